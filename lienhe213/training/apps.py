from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "lienhe213.training"
    label = "training"
    verbose_name = _("Training sessions")
