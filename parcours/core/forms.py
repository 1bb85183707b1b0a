import re

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from dsfr.forms import DsfrBaseForm as _DsfrBaseForm

from .inputs import CleanTextMixin
from .models import Membership, Organisation, User


class ListedChoiceIterator(forms.models.ModelChoiceIterator):
    """A model choice field's options read by one ordinary query, kept for the form's life. Django's own
    iterator reads them through `QuerySet.iterator()`, which on PostgreSQL opens a server-side cursor
    (DECLARE, FETCH, CLOSE: four round trips) at each rendering: two thirds of a dashboard's filter form.
    The choice lists of these forms are short (a département's partners, a person's agréments), all of them
    written into the page anyway."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:  # fills the queryset's cache: a second rendering reads no more
            yield self.choice(obj)


class DsfrBaseForm(CleanTextMixin, _DsfrBaseForm):
    """A form rendered with the DSFR field templates, its free text normalised and bounded (core.inputs).

    Several forms share a page (a person's file, a pathway): their fields get ids named after the form
    (`id_alias_kind`, `id_note_kind`), so that every label points at its own field.
    """

    def __init__(self, *args, **kwargs):
        name = type(self).__name__.removesuffix("Form")
        kwargs.setdefault("auto_id", "id_" + re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower() + "_%s")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                field.iterator = ListedChoiceIterator
                field.widget.choices = field.choices  # as ModelChoiceField sets them, with this iterator

    @property
    def error_summary_id(self) -> str:
        """The id of the form's error summary (includes/error_summary.html): a form posts to its action
        followed by this fragment, so that the page that comes back with errors opens at the summary."""
        name = self.add_prefix("erreurs")
        return self.auto_id % name if self.auto_id and "%s" in str(self.auto_id) else f"id_{name}"


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

    def clean_username(self):
        # AuthenticationForm sets max_length without its validator: an over-long name would reach django-axes,
        # whose failure record (varchar 255) then fails on PostgreSQL with a 500. No account has such a name.
        username = self.cleaned_data["username"]
        if len(username) > self.fields["username"].max_length:
            raise forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")
        return username


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

    def clean_name(self):
        # The (département, name) constraint is not checked by the ModelForm (département is not a field).
        name = self.cleaned_data["name"].strip()
        same = Organisation.objects.filter(departement_id=self.instance.departement_id, name=name)
        if self.instance.departement_id and same.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("Une organisation porte déjà ce nom dans le département.")
        return name


class UserCreateForm(DsfrModelForm):
    """A new account: no password here, the account receives a link to choose its own (services)."""

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email"]
        labels = {"username": "Identifiant de connexion", "email": "Adresse électronique"}
        help_texts = {"email": "Le lien pour choisir son mot de passe y est envoyé."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True


class UserUpdateForm(DsfrModelForm):
    """What an administrator may change on an account. Not the e-mail address: it receives the password
    links, so changing it would let an administrator take the account over. Never is_staff/is_superuser."""

    class Meta:
        model = User
        fields = ["first_name", "last_name", "is_active"]
        labels = {"is_active": "Compte actif"}


class PasswordChangeForm(DsfrBaseForm, auth_forms.PasswordChangeForm):
    pass


class SetPasswordForm(DsfrBaseForm, auth_forms.SetPasswordForm):
    pass


class PasswordResetForm(DsfrBaseForm, auth_forms.PasswordResetForm):
    email = forms.EmailField(label="Adresse électronique de votre compte", max_length=254)

    def get_users(self, email):
        """Every active account of the address, with or without a usable password: a new account whose
        first link expired gets a fresh one this way."""
        if "\x00" in email:
            return User.objects.none()
        return User.objects.filter(email__iexact=email, is_active=True)

    def save(self, **kwargs):  # the outbox sends, not Django's send_mail (services.request_password_reset)
        from .services import request_password_reset

        request_password_reset(users=self.get_users(self.cleaned_data["email"]))


class MembershipDecisionForm(DsfrBaseForm):
    decision = forms.ChoiceField(
        label="Décision",
        choices=[("confirm", "Confirmer l'habilitation"), ("refuse", "Refuser l'habilitation")],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choisissez de confirmer ou de refuser.",
            "invalid_choice": "Choix inconnu.",
        },
    )


class MembershipForm(DsfrModelForm):
    class Meta:
        model = Membership
        fields = ["organisation", "role", "active"]

    def __init__(self, *args, departement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.in_departement(departement)

    def clean(self):
        cleaned = super().clean()
        # The (user, organisation, role) constraint is not checked by the ModelForm (user is not a field).
        same = Membership.objects.filter(
            user_id=self.instance.user_id, organisation=cleaned.get("organisation"), role=cleaned.get("role")
        )
        if self.instance.user_id and same.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("Ce compte a déjà ce rôle dans cette organisation.")
        return cleaned
