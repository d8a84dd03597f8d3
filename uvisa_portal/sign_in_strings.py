"""The texts of allauth's and Django's sign-in pages (login, two-factor code, password reset and
the reset e-mail), marked again here with the same msgids so that makemessages keeps them in the
project's catalogs: allauth has no Vietnamese, Somali or Hmong catalog and Django none for Somali
or Hmong, and without these the sign-in pages would read in English under a translated menu.
Nothing imports this module; it only feeds makemessages.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

ALLAUTH = [
    gettext_noop("Sign In"),
    gettext_noop("Email"),
    gettext_noop("Email address"),
    gettext_noop("Password"),
    gettext_noop("Forgot your password?"),
    gettext_noop("The email address and/or password you specified are not correct."),
    gettext_noop("Two-Factor Authentication"),
    gettext_noop(
        "Your account is protected by two-factor authentication. "
        "Please enter an authenticator code:"
    ),
    gettext_noop("Code"),
    gettext_noop("Incorrect code."),
    gettext_noop("Cancel"),
    gettext_noop("Password Reset"),
    gettext_noop(
        "Forgotten your password? Enter your email address below, and we'll send you an email "
        "allowing you to reset it."
    ),
    gettext_noop("Reset My Password"),
    gettext_noop("Please contact us if you have any trouble resetting your password."),
    gettext_noop(
        "We have sent you an email. If you have not received it please check your spam folder. "
        "Otherwise contact us if you do not receive it in a few minutes."
    ),
    gettext_noop("Change Password"),
    gettext_noop("New Password"),
    gettext_noop("New Password (again)"),
    gettext_noop("You must type the same password each time."),
    gettext_noop("Bad Token"),
    gettext_noop(
        "The password reset link was invalid, possibly because it has already been used.  Please "
        'request a <a href="%(passwd_reset_url)s">new password reset</a>.'
    ),
    gettext_noop("Password Reset Email"),
    gettext_noop("Hello from %(site_name)s!"),
    gettext_noop(
        "You're receiving this email because you or someone else has requested a password reset "
        "for your user account.\nIt can be safely ignored if you did not request a password "
        "reset. Click the link below to reset your password."
    ),
    gettext_noop("Thank you for using %(site_name)s!\n%(site_domain)s"),
]

DJANGO = [
    gettext_noop("This field is required."),
    gettext_noop("This password is too common."),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("Your password can’t be too similar to your other personal information."),
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        "min_length",
    ),
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        "min_length",
    ),
]
