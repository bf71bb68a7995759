import csv
import hashlib
import logging
from pathlib import Path

from asgiref.sync import sync_to_async
from django.http import FileResponse, HttpResponseNotAllowed, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from .forms import ContactForm
from .models import Post

logger = logging.getLogger(__name__)

DOCUMENTS_DIR = Path(__file__).resolve().parent / 'documents'


def index(request):
    posts = Post.published.all()[:10]
    return render(request, 'blog/index.html', {'posts': posts})


def post_detail(request, slug):
    post = get_object_or_404(Post.published, slug=slug)
    return render(request, 'blog/post_detail.html', {'post': post})


def latest_post(request):
    post = Post.published.first()
    if post is None:
        return redirect('blog:index')
    return redirect(post)


def contact(request):
    if request.method == 'POST':
        form = ContactForm(request.POST, request.FILES)
        if form.is_valid():
            attachment = form.cleaned_data['attachment']
            logger.info(
                'contact message from %s (%s attachment)',
                form.cleaned_data['email'],
                'with' if attachment else 'no',
            )
            return redirect('blog:contact_thanks')
    else:
        form = ContactForm()
    return render(request, 'blog/contact.html', {'form': form})


def contact_thanks(request):
    return render(request, 'blog/contact_thanks.html')


class _Echo:
    """A file-like object whose write() hands back the line, so csv.writer can feed a stream."""

    def write(self, value):
        return value


def export_csv(request):
    writer = csv.writer(_Echo())
    # Read here, in the view: Django 3.2's ASGI handler iterates a streamed response on the event loop, where the
    # ORM refuses to run (SynchronousOnlyOperation cuts the file after its header). Only the CSV lines stream.
    rows = list(Post.published.values_list('title', 'slug', 'published_at'))
    lines = (writer.writerow(row) for row in _with_header(rows))
    response = StreamingHttpResponse(lines, content_type='text/csv')
    response['Content-Disposition'] = 'attachment; filename="posts.csv"'
    return response


def _with_header(rows):
    yield ('title', 'slug', 'published_at')
    yield from rows


def colophon(request):
    return FileResponse(open(DOCUMENTS_DIR / 'colophon.txt', 'rb'), content_type='text/plain; charset=utf-8')


@require_GET
def health(request):
    return JsonResponse({'status': 'ok'})


@require_GET
def api_posts(request):
    posts = [
        {
            'title': post.title,
            'slug': post.slug,
            'published_at': post.published_at.isoformat(),
            'url': post.get_absolute_url(),
        }
        for post in Post.published.all()[:50]
    ]
    return JsonResponse({'count': len(posts), 'posts': posts})


@sync_to_async
def latest_posts(count=3):
    """The ORM is synchronous: sync_to_async runs the query in the one thread asgiref keeps for sync code, off the
    event loop."""
    return list(Post.published.values('title', 'slug', 'published_at')[:count])


async def api_latest(request):
    """The newest published posts as JSON: an async view awaiting the database, as the deployment guide writes one."""
    # Django 3.2's require_GET wraps views in a sync function, which would hide the coroutine from the handler.
    if request.method not in ('GET', 'HEAD'):
        return HttpResponseNotAllowed(['GET', 'HEAD'])
    return JsonResponse({'posts': await latest_posts()})


@csrf_exempt
@require_http_methods(['POST'])
def api_echo(request, subpath=''):
    """Describes the request it received: fields, uploaded files (size and sha256), cookies, X-Echo-* headers."""
    files = {}
    for field, upload in request.FILES.items():
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        files[field] = {'name': upload.name, 'size': upload.size, 'sha256': digest.hexdigest()}
    return JsonResponse({
        'method': request.method,
        'path': request.path,
        'query': request.GET.dict(),
        'content_type': request.content_type,
        'fields': {key: request.POST.getlist(key) for key in request.POST},
        'files': files,
        'is_secure': request.is_secure(),
        'host': request.get_host(),
        'cookies': request.COOKIES,
        'headers': {name: value for name, value in request.headers.items() if name.startswith('X-Echo-')},
    })


def boom(request):
    raise RuntimeError('boom: this view fails on purpose to exercise the 500 page')
