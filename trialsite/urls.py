from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.decorators.http import require_safe

from screening.access.forms import LoginForm


@login_not_required
@require_safe
def favicon(request):
    # Browsers ask for /favicon.ico whatever the page links; the static URL is
    # looked up per request because it is hashed in production (not a 301: the
    # hash changes with the file).
    return redirect(static("favicon.svg"))


urlpatterns = [
    path("favicon.ico", favicon),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("", include("screening.urls")),
]

handler403 = "screening.access.errors.permission_denied"
