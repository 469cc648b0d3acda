from django.urls import path

from docket.publishing import views

app_name = "public"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("feed.atom", views.feed, name="feed"),
    path("data/requests.<str:fmt>", views.data, name="data"),
    path("files/<str:token>/<str:name>", views.document, name="document"),
    path("files/<str:token>/<slug:name>/", views.document_text, name="document_text"),
    path("<slug:slug>/", views.campaign, name="campaign"),
    path("<slug:slug>/<slug:body_slug>/", views.body, name="body"),
]
