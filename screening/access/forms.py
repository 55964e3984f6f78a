from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from ..models.sites import ROLES


class LoginForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.fields["username"].widget.attrs["autofocus"] = True


# ---------------------------------------------------------------- site user administration


class _Styled:
    """Bootstrap classes on every widget; crispy renders the form without its own tag."""

    def style(self):
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


def role_field():
    return forms.ChoiceField(label=_("Role"), choices=[("", "—"), *ROLES.items()])


class PasswordPair(forms.Form):
    """A password typed twice, or both left blank for one generated and shown once."""

    new_password1 = forms.CharField(
        label=_("Password"), required=False, strip=False, max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Leave both blank to have one generated and shown once. The user must change it at their "
                    "next login."))
    new_password2 = forms.CharField(label=_("Password again"), required=False, strip=False, max_length=128,
                                    widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def password_user(self):
        raise NotImplementedError

    def clean(self):
        data = super().clean()
        first, second = data.get("new_password1") or "", data.get("new_password2") or ""
        if "new_password1" in self.errors or "new_password2" in self.errors:
            return data
        if first != second:
            self.add_error("new_password2", _("The two passwords differ."))
        elif first:
            try:
                password_validation.validate_password(first, self.password_user())
            except ValidationError as error:
                self.add_error("new_password1", error)
        return data


class NewSiteUserForm(_Styled, PasswordPair):
    username = forms.CharField(label=_("User name"), max_length=150, validators=[UnicodeUsernameValidator()],
                               help_text=_("Letters, digits and @ . + - _ only; never given to anyone else later."))
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), max_length=254, required=False)
    role = role_field()
    field_order = ["username", "first_name", "last_name", "email", "role", "new_password1", "new_password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()

    def clean_username(self):
        from .identity import check_username_free

        username = self.cleaned_data["username"]
        User = get_user_model()
        if User._default_manager.filter(username__iexact=username).exists():
            raise ValidationError(_("A user with this user name exists already."), code="username_taken")
        check_username_free(username)
        return username

    def password_user(self):
        data = self.cleaned_data
        return get_user_model()(username=data.get("username", ""), first_name=data.get("first_name", ""),
                                last_name=data.get("last_name", ""), email=data.get("email", ""))


class StateForm(_Styled, forms.Form):
    """Every change of a user carries the state its page was built from (users.fingerprint)."""

    state = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()


class RoleForm(StateForm):
    role = role_field()


class ResetPasswordForm(StateForm, PasswordPair):
    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def password_user(self):
        return self.user


class OwnPasswordForm(PasswordChangeForm):
    """Django's: the old password, the new one twice, every validator (the last five included)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("old_password", "new_password1", "new_password2"):
            self.fields[name].validators.append(MaxLengthValidator(128))
        self.fields["old_password"].widget.attrs.pop("autofocus", None)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
