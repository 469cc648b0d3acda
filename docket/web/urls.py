from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from docket.web import (
    campaign_pages,
    campaign_setup_pages,
    directory_pages,
    learning_pages,
    mail_pages,
    office_pages,
    publication_pages,
    request_pages,
)

app_name = "web"
urlpatterns = [
    path("", campaign_pages.dashboard, name="dashboard"),
    path(
        "sign-in/",
        auth_views.LoginView.as_view(template_name="web/sign_in.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(next_page="web:login"), name="logout"),
    path("campaigns/new/", campaign_setup_pages.new_campaign, name="new_campaign"),
    path("campaigns/new/from-letters/", learning_pages.learn_campaign, name="learn_campaign"),
    path("campaigns/<slug:slug>/", campaign_pages.campaign, name="campaign"),
    path("campaigns/<slug:slug>/add-letter/", learning_pages.add_letter_page, name="add_letter"),
    path("campaigns/<slug:slug>/bulk/", campaign_pages.campaign_bulk, name="campaign_bulk"),
    path("campaigns/<slug:slug>/settings/", campaign_pages.campaign_settings, name="campaign_settings"),
    path("campaigns/<slug:slug>/letter/", campaign_pages.editor, name="editor"),
    path("campaigns/<slug:slug>/recipients/<int:pk>/", campaign_pages.recipient, name="recipient"),
    path(
        "campaigns/<slug:slug>/recipients/<int:pk>/letter.<str:fmt>",
        campaign_pages.letter_file,
        name="letter_file",
    ),
    path("requests/<int:pk>/", request_pages.detail, name="request"),
    path("requests/<int:pk>/letter.pdf", request_pages.frozen_letter, name="frozen_letter"),
    path("requests/<int:pk>/actions/<str:action>/", request_pages.act, name="request_action"),
    path("requests/<int:pk>/items/", request_pages.item_received, name="item_received"),
    path("requests/<int:pk>/upload/", request_pages.upload, name="upload"),
    path(
        "requests/<int:pk>/messages/<int:message>/classification/",
        request_pages.reclassify,
        name="reclassify_message",
    ),
    path("requests/<int:pk>/messages/<int:message>/move/", request_pages.move_message, name="move_message"),
    path("requests/<int:pk>/messages/<int:message>/unfile/", request_pages.unfile_message, name="unfile_message"),
    path("requests/<int:pk>/publication/", publication_pages.publication, name="publication"),
    path("attachments/<int:pk>/", request_pages.attachment_file, name="attachment"),
    path("holding-pen/", mail_pages.holding_pen, name="holding_pen"),
    path("holding-pen/<int:pk>/file/", mail_pages.file_held, name="file_held"),
    path("outbox/", mail_pages.outbox, name="outbox"),
    path("outbox/<int:pk>/<str:how>/", mail_pages.settle, name="settle"),
    path("office/", office_pages.office, name="office"),
    path("users/", office_pages.users, name="users"),
    path("users/<int:pk>/", office_pages.user_update, name="user_update"),
    path("users/<int:pk>/password/", office_pages.user_password, name="user_password"),
    path("users/<int:pk>/unlock/", office_pages.user_unlock, name="user_unlock"),
    # Where the emailed link to choose a new password leads (Django's password reset; the link is the key).
    path(
        "password/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="web/password_reset_confirm.html", success_url=reverse_lazy("web:password_reset_complete")
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="web/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("directory/", directory_pages.directory, name="directory"),
    path("directory/import/", directory_pages.import_contacts, name="directory_import"),
    path("directory/new/", directory_pages.body_form, name="body_new"),
    path("directory/<slug:slug>/", directory_pages.body, name="body"),
    path("directory/<slug:slug>/edit/", directory_pages.body_form, name="body_edit"),
    path("directory/<slug:slug>/retire/", directory_pages.retire, name="body_retire"),
    path("directory/<slug:slug>/contacts/new/", directory_pages.contact_form, name="contact_new"),
    path("directory/<slug:slug>/contacts/<int:pk>/", directory_pages.contact_form, name="contact_edit"),
]
