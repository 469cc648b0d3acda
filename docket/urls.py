from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("public/", include("docket.publishing.urls")),
    path("", include("docket.web.urls")),
]

# GOV.UK pages for what went wrong, not Django's plain text (docket/web/error_pages.py).
handler400 = "docket.web.error_pages.bad_request"
handler403 = "docket.web.error_pages.permission_denied"
handler404 = "docket.web.error_pages.not_found"
handler500 = "docket.web.error_pages.server_error"
