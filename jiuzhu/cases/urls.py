from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("new/", views.register, name="register"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/do/<slug:step>/", views.act, name="act"),
    path("<int:pk>/print/investigation/", views.print_investigation, name="print_investigation"),
    path("<int:pk>/print/refusal/", views.print_refusal, name="print_refusal"),
    path("notice/<int:village_id>/print/", views.print_notice, name="print_notice"),
]
