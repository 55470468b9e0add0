from django.urls import path

from . import views

app_name = "disclosure"
urlpatterns = [
    path("", views.index, name="index"),
    path("village/<str:code>/", views.village, name="village"),
    path("village/<str:code>/notices/", views.notices, name="notices"),
    path("village/<str:code>/print/", views.village_print, name="village_print"),
]
