"""
The project under ASGI, tested the way the deployment guide tests async views: pytest-asyncio and httpx's
AsyncClient (conftest.py decides whether in-process or against a running server). The seed migration publishes
two posts and keeps one draft.
"""
import asyncio
import csv
import io
import re

import pytest
from django.urls import reverse

SERVER_TIMING = re.compile(r'app;dur=\d+\.\d{3}')


@pytest.mark.asyncio
async def test_async_view(client):
    response = await client.get(reverse('blog:api_latest'))
    assert response.status_code == 200
    assert response.headers['content-type'] == 'application/json'
    assert response.json() == {'posts': [
        {'title': 'Deploying Django', 'slug': 'deploying-django', 'published_at': '2024-02-01T12:00:00Z'},
        {'title': 'Hello, world', 'slug': 'hello-world', 'published_at': '2024-01-15T09:30:00Z'},
    ]}


@pytest.mark.asyncio
async def test_async_view_answers_concurrent_requests(client):
    responses = await asyncio.gather(*(client.get(reverse('blog:api_latest')) for _ in range(8)))
    assert [response.status_code for response in responses] == [200] * 8
    assert len({response.content for response in responses}) == 1


@pytest.mark.asyncio
async def test_async_view_refuses_other_methods(client):
    # OPTIONS is a safe method to CsrfViewMiddleware, so the view's own check answers.
    response = await client.options(reverse('blog:api_latest'))
    assert response.status_code == 405
    assert response.headers['allow'] == 'GET, HEAD'


@pytest.mark.asyncio
@pytest.mark.parametrize('path', ['/api/latest/', '/', '/no/such/page/'])
async def test_server_timing_header(client, path):
    response = await client.get(path)
    assert SERVER_TIMING.fullmatch(response.headers['server-timing'])
    assert len(response.headers.get_list('server-timing')) == 1


@pytest.mark.asyncio
async def test_page(client):
    response = await client.get(reverse('blog:index'))
    assert response.status_code == 200
    assert response.headers['content-type'] == 'text/html; charset=utf-8'
    assert 'Deploying Django' in response.text
    assert 'A draft nobody should see' not in response.text


@pytest.mark.asyncio
@pytest.mark.parametrize('path', ['/posts/draft/', '/no/such/page/'])  # an unpublished post, no route
async def test_not_found(client, path):
    response = await client.get(path)
    assert response.status_code == 404
    assert '<h1>Not found</h1>' in response.text  # the project's templates/404.html


@pytest.mark.asyncio
async def test_csv_export_streams_every_published_post(client):
    # Under ASGI, Django 3.2 iterates a streamed response on the event loop, where the ORM refuses to run: the
    # export must not read the database while it streams.
    response = await client.get(reverse('blog:export_csv'))
    assert response.status_code == 200
    assert response.headers['content-type'] == 'text/csv'
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ['title', 'slug', 'published_at']
    assert sorted(row[1] for row in rows[1:]) == ['deploying-django', 'hello-world']
