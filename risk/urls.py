from django.urls import path

from . import views

app_name = "risk"
urlpatterns = [
    path("risk/", views.dashboard, name="dashboard"),
    path("risk/region/<str:code>/", views.dashboard, name="region"),
    path("risk/export.xlsx", views.export, name="export"),
    path("risk/election/<int:pk>/", views.village, name="village"),
    path("risk/assessment/", views.assessment_index, name="assessment"),
    path("risk/assessment/<str:code>/", views.assessment_township, name="assessment_township"),
    path("risk/assessment/election/<int:pk>/", views.assessment_row, name="assessment_row"),
]
