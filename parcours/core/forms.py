from django import forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordMixin
from dsfr.forms import DsfrBaseForm

from .models import Membership, Organisation, User


class DsfrModelForm(DsfrBaseForm, forms.ModelForm):
    """A ModelForm rendered with the DSFR field templates."""


class LoginForm(DsfrBaseForm, AuthenticationForm):
    error_messages = {
        "invalid_login": "Identifiant ou mot de passe incorrect.",
        "inactive": "Ce compte est désactivé.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # No autofocus: keyboard and screen-reader users start at the skip link, as on every other page.
        self.fields["username"].widget.attrs.pop("autofocus", None)


class ChooseMembershipForm(DsfrBaseForm):
    membership = forms.ModelChoiceField(
        label="Je travaille pour",
        queryset=Membership.objects.none(),
        widget=forms.RadioSelect,
        to_field_name="public_id",
        empty_label=None,
        error_messages={"invalid_choice": "Choisissez l'un de vos rattachements."},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = (
            Membership.objects.active().filter(user=user).select_related("organisation__departement")
        )


class OrganisationForm(DsfrModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "kind", "address", "email", "active"]


class UserCreateForm(SetPasswordMixin, DsfrModelForm):
    password1, password2 = SetPasswordMixin.create_password_fields(
        label1="Mot de passe", label2="Confirmation du mot de passe"
    )

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email"]
        labels = {"username": "Identifiant de connexion"}

    def clean(self):
        cleaned = super().clean()
        self.validate_passwords()
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        self.validate_password_for_user(self.instance)

    def save(self, commit=True):
        user = super().save(commit=False)
        return self.set_password_and_save(user, commit=commit)


class UserUpdateForm(DsfrModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "is_active"]
        labels = {"is_active": "Compte actif"}


class MembershipForm(DsfrModelForm):
    class Meta:
        model = Membership
        fields = ["organisation", "role", "active"]

    def __init__(self, *args, departement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.in_departement(departement)
