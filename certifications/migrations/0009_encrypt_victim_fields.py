# The victim fields become encrypted (uvisa_portal.fields): 1. each column becomes plain text
# (a date keeps its ISO form), 2. every existing value is encrypted in place (values already
# encrypted are left alone), 3. the field takes its encrypted type (no change to the column).
# Reversible: backwards decrypts, then the columns take their old types again.

import uvisa_portal.fields
from django.db import migrations, models

from uvisa_portal.migration_ops import encrypt_columns

ENCRYPTED = {
    'agencyformanswers': ['activity_description', 'case_number', 'crime_location', 'fbi_sid_number', 'helpfulness_explanation', 'known_injuries', 'refusal_explanation'],
    'attachment': ['original_name'],
    'certificationrequest': ['case_number', 'child_turns_21_on', 'consent_by', 'crime_city', 'denial_explanation', 'helpfulness', 'known_injuries', 'narrative', 'similar_activity_description', 'victim_a_number', 'victim_date_of_birth', 'victim_family_name', 'victim_given_name', 'victim_middle_name', 'victim_other_names', 'victim_preferred_language', 'withdrawal_reason'],
    'familymember': ['full_name', 'relationship'],
    'message': ['body'],
    'requestevent': ['note'],
}
# Nullable before and after: the dates (a missing date is NULL, not an empty string).
NULLABLE = {("certificationrequest", "victim_date_of_birth"), ("certificationrequest", "child_turns_21_on")}


class Migration(migrations.Migration):

    dependencies = [
        ('certifications', '0008_drop_request_history_event_changed_fields'),
    ]

    operations = [
        *[
            migrations.AlterField(
                model_name=model_name,
                name=name,
                field=models.TextField(blank=True, null=(model_name, name) in NULLABLE),
            )
            for model_name, names in ENCRYPTED.items()
            for name in names
        ],
        encrypt_columns("certifications", ENCRYPTED),
        migrations.AlterField(
            model_name='agencyformanswers',
            name='activity_description',
            field=uvisa_portal.fields.EncryptedTextField(blank=True, verbose_name='description of the criminal activity'),
        ),
        migrations.AlterField(
            model_name='agencyformanswers',
            name='case_number',
            field=uvisa_portal.fields.EncryptedCharField(blank=True, max_length=100),
        ),
        migrations.AlterField(
            model_name='agencyformanswers',
            name='crime_location',
            field=uvisa_portal.fields.EncryptedCharField(blank=True, max_length=200, verbose_name='location'),
        ),
        migrations.AlterField(
            model_name='agencyformanswers',
            name='fbi_sid_number',
            field=uvisa_portal.fields.EncryptedCharField(blank=True, max_length=100, verbose_name='FBI or SID number'),
        ),
        migrations.AlterField(
            model_name='agencyformanswers',
            name='helpfulness_explanation',
            field=uvisa_portal.fields.EncryptedTextField(blank=True),
        ),
        migrations.AlterField(
            model_name='agencyformanswers',
            name='known_injuries',
            field=uvisa_portal.fields.EncryptedTextField(blank=True),
        ),
        migrations.AlterField(
            model_name='agencyformanswers',
            name='refusal_explanation',
            field=uvisa_portal.fields.EncryptedTextField(blank=True),
        ),
        migrations.AlterField(
            model_name='attachment',
            name='original_name',
            field=uvisa_portal.fields.EncryptedCharField(max_length=200),
        ),
        migrations.AlterField(
            model_name='certificationrequest',
            name='case_number',
            field=uvisa_portal.fields.EncryptedCharField(blank=True, max_length=100, verbose_name='report or case number'),
        ),
        migrations.AlterField(
            model_name='certificationrequest',
            name='child_turns_21_on',
            field=uvisa_portal.fields.EncryptedDateField(blank=True, help_text='Only if a derivative child is close to aging out.', null=True, verbose_name='a child family member turns 21 on'),
        ),
        migrations.AlterField(
            model_name='certificationrequest',
            name='consent_by',
            field=uvisa_portal.fields.EncryptedCharField(blank=True, max_length=200, verbose_name='consent given by'),
        ),
        migrations.AlterField(
            model_name='certificationrequest',
            name='crime_city',
            field=uvisa_portal.fields.EncryptedCharField(blank=True, max_length=80, verbose_name='city'),
        ),
        migrations.AlterField(
            model_name='certificationrequest',
            name='denial_explanation',
            field=uvisa_portal.fields.EncryptedTextField(blank=True),
        ),
        migrations.AlterField(
            model_name='certificationrequest',
            name='helpfulness',
            field=uvisa_portal.fields.EncryptedTextField(blank=True, verbose_name='how the victim has been, is being or is likely to be helpful'),
        ),
        migrations.AlterField(
            model_name='certificationrequest',
            name='known_injuries',
            field=uvisa_portal.fields.EncryptedTextField(blank=True, verbose_name='known or documented injuries'),
        ),
        migrations.AlterField(
            model_name='certificationrequest',
            name='narrative',
            field=uvisa_portal.fields.EncryptedTextField(blank=True, verbose_name='what happened'),
        ),
        migrations.AlterField(
            model_name='certificationrequest',
            name='similar_activity_description',
            field=uvisa_portal.fields.EncryptedCharField(blank=True, max_length=300),
        ),
        migrations.AlterField(
            model_name='certificationrequest',
            name='victim_a_number',
            field=uvisa_portal.fields.EncryptedCharField(blank=True, help_text='If any: A followed by 8 or 9 digits.', max_length=10, verbose_name='A-Number'),
        ),
        migrations.AlterField(
            model_name='certificationrequest',
            name='victim_date_of_birth',
            field=uvisa_portal.fields.EncryptedDateField(blank=True, null=True, verbose_name='date of birth'),
        ),
        migrations.AlterField(
            model_name='certificationrequest',
            name='victim_family_name',
            field=uvisa_portal.fields.EncryptedCharField(blank=True, max_length=100, verbose_name='family name (last name)'),
        ),
        migrations.AlterField(
            model_name='certificationrequest',
            name='victim_given_name',
            field=uvisa_portal.fields.EncryptedCharField(blank=True, max_length=100, verbose_name='given name (first name)'),
        ),
        migrations.AlterField(
            model_name='certificationrequest',
            name='victim_middle_name',
            field=uvisa_portal.fields.EncryptedCharField(blank=True, max_length=100, verbose_name='middle name'),
        ),
        migrations.AlterField(
            model_name='certificationrequest',
            name='victim_other_names',
            field=uvisa_portal.fields.EncryptedCharField(blank=True, help_text='Aliases, maiden name, nicknames. Separate with semicolons.', max_length=300, verbose_name='other names used'),
        ),
        migrations.AlterField(
            model_name='certificationrequest',
            name='victim_preferred_language',
            field=uvisa_portal.fields.EncryptedCharField(blank=True, max_length=60, verbose_name='preferred language'),
        ),
        migrations.AlterField(
            model_name='certificationrequest',
            name='withdrawal_reason',
            field=uvisa_portal.fields.EncryptedTextField(blank=True),
        ),
        migrations.AlterField(
            model_name='familymember',
            name='full_name',
            field=uvisa_portal.fields.EncryptedCharField(max_length=200),
        ),
        migrations.AlterField(
            model_name='familymember',
            name='relationship',
            field=uvisa_portal.fields.EncryptedCharField(max_length=100),
        ),
        migrations.AlterField(
            model_name='message',
            name='body',
            field=uvisa_portal.fields.EncryptedTextField(),
        ),
        migrations.AlterField(
            model_name='requestevent',
            name='note',
            field=uvisa_portal.fields.EncryptedTextField(blank=True),
        ),
    ]
