from django.urls import path

from . import views

app_name = 'blog'

urlpatterns = [
    path('', views.index, name='index'),
    path('posts/<slug:slug>/', views.post_detail, name='post_detail'),
    path('latest/', views.latest_post, name='latest'),
    path('contact/', views.contact, name='contact'),
    path('contact/thanks/', views.contact_thanks, name='contact_thanks'),
    path('export.csv', views.export_csv, name='export_csv'),
    path('colophon.txt', views.colophon, name='colophon'),
    path('api/health/', views.health, name='health'),
    path('api/posts/', views.api_posts, name='api_posts'),
    path('api/latest/', views.api_latest, name='api_latest'),
    path('api/echo/', views.api_echo, name='api_echo'),
    path('api/echo/<path:subpath>', views.api_echo, name='api_echo_path'),
    path('boom/', views.boom, name='boom'),
]
