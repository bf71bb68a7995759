# Seeds the first posts so a fresh deploy has a front page worth looking at.
import datetime

from django.db import migrations

FIRST_POSTS = [
    {
        'title': 'Hello, world',
        'slug': 'hello-world',
        'body': 'This is the first post on mysite.\n\nIt was written by a data migration, so every new '
                'deploy starts with something on the front page.',
        'published_at': datetime.datetime(2024, 1, 15, 9, 30, tzinfo=datetime.timezone.utc),
    },
    {
        'title': 'Deploying Django',
        'slug': 'deploying-django',
        'body': 'Collect the static files, run the migrations, put a WSGI server behind a reverse proxy, '
                'and read what manage.py check --deploy has to say.',
        'published_at': datetime.datetime(2024, 2, 1, 12, 0, tzinfo=datetime.timezone.utc),
    },
    {
        'title': 'A draft nobody should see',
        'slug': 'draft',
        'body': 'Unpublished posts stay out of the index, the feed and the API.',
        'published_at': datetime.datetime(2024, 2, 2, 8, 0, tzinfo=datetime.timezone.utc),
        'is_published': False,
    },
]


def create_posts(apps, schema_editor):
    Post = apps.get_model('blog', 'Post')
    for fields in FIRST_POSTS:
        Post.objects.get_or_create(slug=fields['slug'], defaults=fields)


def delete_posts(apps, schema_editor):
    Post = apps.get_model('blog', 'Post')
    Post.objects.filter(slug__in=[fields['slug'] for fields in FIRST_POSTS]).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('blog', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(create_posts, delete_posts),
    ]
