from django.urls import path

from . import views_snapshots as views

app_name = "snapshots"
urlpatterns = [
    path("", views.snapshot_list, name="list"),
    path("upload/", views.snapshot_upload, name="upload"),
    path("template/<str:kind>.xlsx", views.snapshot_template, name="template"),
    path("<int:pk>/", views.snapshot_detail, name="detail"),
    path("<int:pk>/problems.xlsx", views.snapshot_problems, name="problems"),
    path("<int:pk>/commit/", views.snapshot_commit, name="commit"),
    path("<int:pk>/discard/", views.snapshot_discard, name="discard"),
]
