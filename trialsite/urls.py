from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from screening.forms_auth import LoginForm

urlpatterns = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("", include("screening.urls")),
]

handler403 = "screening.errors.permission_denied"
