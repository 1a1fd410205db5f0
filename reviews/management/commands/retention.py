from django.core.management.base import BaseCommand

from core.formatting import uk_date
from reviews import retention


class Command(BaseCommand):
    help = (
        "Remove what closed reviews keep about people once each partnership's retention period has ended. "
        "With --dry-run, show what would be removed and change nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what the next run would remove, and change nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        results = retention.run(dry_run=dry_run)
        for review in retention.held_reviews():
            self.stdout.write(
                f"{review.reference} ({review.pseudonym}), closed on {uk_date(review.closed_at)}: "
                "under a legal hold, so nothing is removed until the hold is lifted."
            )
        if not results:
            self.stdout.write("Nothing to remove.")
            return
        self.stdout.write("The next run would remove:" if dry_run else "Removed:")
        for result in results:
            self.stdout.write(f"{result.partnership.name}")
            for purge in result.reviews:
                closed = uk_date(purge.closed_on)
                self.stdout.write(
                    f"  {purge.review.reference} ({purge.review.pseudonym}), closed on {closed}: {purge.describe()}"
                )
            for words, _ in result.across_reviews:
                self.stdout.write(f"  {words}")
        if dry_run:
            self.stdout.write("This was a dry run: nothing has changed.")
        else:
            self.stdout.write(self.style.SUCCESS("Each removal is recorded in the partnership's audit log."))
