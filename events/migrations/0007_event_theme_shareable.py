import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """The event's learning themes get a model of their own, on the same table, to say which invitees may see."""

    dependencies = [
        ("events", "0006_calendar_feeds"),
        ("reviews", "0002_review_timeline_legal_holds"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="EventTheme",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        (
                            "event",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="theme_links",
                                to="events.event",
                            ),
                        ),
                        (
                            "theme",
                            models.ForeignKey(
                                db_column="learningtheme_id",
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="event_links",
                                to="reviews.learningtheme",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "events_event_learning_themes",
                        "unique_together": {("event", "theme")},
                    },
                ),
                migrations.AlterField(
                    model_name="event",
                    name="learning_themes",
                    field=models.ManyToManyField(
                        blank=True, related_name="events", through="events.EventTheme", to="reviews.learningtheme"
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField(
            model_name="eventtheme",
            name="shareable",
            field=models.BooleanField(default=False, verbose_name="invitees may see it"),
        ),
    ]
