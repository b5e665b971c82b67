from django.urls import path

from . import views

app_name = "audits"
urlpatterns = [
    path("audits/", views.audit_list, name="list"),
    path("audits/election/<int:pk>/", views.audit_page, name="election"),
]
