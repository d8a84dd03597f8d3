from django.contrib import admin

from .models import Agency, City, County, PointOfContact, TrainingRecord


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ["name", "fips"]
    search_fields = ["name", "fips"]


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ["name", "county"]
    search_fields = ["name"]
    list_filter = ["county"]


class PointOfContactInline(admin.TabularInline):
    model = PointOfContact
    extra = 0
    fields = [
        "name",
        "title",
        "email",
        "phone",
        "role",
        "is_primary",
        "is_active",
        "last_training_date",
        "user",
    ]
    raw_id_fields = ["user"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "level", "is_active", "is_statewide_coordinator"]
    list_filter = ["kind", "level", "is_active", "counties"]
    search_fields = ["name", "city_name"]
    filter_horizontal = ["counties", "cities"]
    inlines = [PointOfContactInline]


class TrainingRecordInline(admin.TabularInline):
    model = TrainingRecord
    extra = 0


@admin.register(PointOfContact)
class PointOfContactAdmin(admin.ModelAdmin):
    list_display = ["name", "agency", "role", "is_primary", "is_active", "last_training_date"]
    list_filter = ["role", "is_primary", "is_active"]
    search_fields = ["name", "email", "agency__name"]
    raw_id_fields = ["user"]
    inlines = [TrainingRecordInline]
