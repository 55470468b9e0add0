from django.urls import path

from . import views, views_import, views_publication, views_walkin

app_name = "registry"
urlpatterns = [
    path("households/", views.household_list, name="household_list"),
    path("households/export.xlsx", views.household_export, name="household_export"),
    path("households/new/", views_walkin.household_new, name="household_new"),
    path(
        "households/<int:pk>/registered/",
        views_walkin.household_registered,
        name="household_registered",
    ),
    # households/<pk>/ is the household page, in this namespace from jiuzhu.desk (config/urls)
    path("households/<int:pk>/edit/", views.household_edit, name="household_edit"),
    path("households/<int:pk>/income/", views.income_new, name="income_new"),
    path("households/<int:pk>/asset/", views.asset_new, name="asset_new"),
    path(
        "households/<int:pk>/publication/",
        views_publication.household_publication,
        name="household_publication",
    ),
    path("persons/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("persons/<int:pk>/reveal-id/", views.person_reveal, name="person_reveal"),
    path("import/", views_import.import_upload, name="import_upload"),
    path("import/template.xlsx", views_import.import_template_view, name="import_template"),
    path("import/<int:pk>/", views_import.import_preview, name="import_preview"),
    path("import/<int:pk>/errors.xlsx", views_import.import_errors, name="import_errors"),
    path("import/<int:pk>/commit/", views_import.import_commit, name="import_commit"),
    path("import/<int:pk>/discard/", views_import.import_discard, name="import_discard"),
]
