from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("public/", include("docket.publishing.urls")),
    path("", include("docket.web.urls")),
]
