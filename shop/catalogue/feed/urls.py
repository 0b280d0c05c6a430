from django.urls import path

from .api import CatalogueImportView

urlpatterns = [
    path("catalogue/import/", CatalogueImportView.as_view(), name="catalogue-import"),
]
