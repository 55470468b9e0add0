from django.urls import path

from . import views_spotcheck as views

app_name = "spotchecks"
urlpatterns = [
    path("", views.draw_list, name="list"),
    path("<int:pk>/", views.draw_detail, name="detail"),
    path("visits/<int:pk>/", views.visit_record, name="visit"),
]
