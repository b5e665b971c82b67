from django.urls import path

from . import views

app_name = "trail"
urlpatterns = [
    path("trail/election/<int:pk>/", views.election_trail, name="election"),
]
