from django.urls import path

from . import views

app_name = "crosscheck"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("runs/", views.run_list, name="run_list"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("findings/", views.finding_list, name="finding_list"),
    path("findings/<int:pk>/", views.finding_detail, name="finding_detail"),
    path("findings/<int:pk>/attachment/", views.finding_attachment, name="finding_attachment"),
    path("findings/<int:pk>/<slug:step>/", views.finding_step, name="finding_step"),
]
