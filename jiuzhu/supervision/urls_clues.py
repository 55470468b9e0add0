from django.urls import path

from . import views_clues as views

app_name = "clues"
urlpatterns = [
    path("", views.clue_list, name="list"),
    path("export/", views.clue_export, name="export"),
    path("new/", views.clue_new, name="new"),
    path("<int:pk>/", views.clue_detail, name="detail"),
    path("<int:pk>/step/<str:step>/", views.clue_step, name="step"),
    path("<int:pk>/reply-letter/", views.clue_reply_print, name="reply_print"),
]
