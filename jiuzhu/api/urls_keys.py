"""系统管理 → 对外接口密钥 (included at /accounts/admin/api-keys/ by config.urls)."""

from django.urls import path

from . import views_keys

app_name = "apikeys"
urlpatterns = [
    path("", views_keys.key_list, name="key_list"),
    path("new/", views_keys.key_new, name="key_new"),
    path("<int:pk>/", views_keys.key_detail, name="key_detail"),
    path("<int:pk>/revoke/", views_keys.key_revoke, name="key_revoke"),
]
