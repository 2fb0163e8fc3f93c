"""View pieces shared by the apps."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpResponse
from django.shortcuts import redirect

from core.forms import add_service_errors


class ServiceFormMixin:
    """For a CreateView or UpdateView whose write is a service: `form_valid` calls `save(form)`,
    which calls the service; a refusal (ValidationError) goes back on the form, a success
    redirects with a message. (No `form.save()`: the service is the one place the rows are written.)"""

    success_message = ""
    success_message_tags = ""

    def save(self, form) -> models.Model:
        """Call this view's service with the parsed form and return the row it saved."""
        raise NotImplementedError

    def get_success_message(self) -> str:
        return self.success_message.format(self.object)

    def form_valid(self, form) -> HttpResponse:
        try:
            self.object = self.save(form)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, self.get_success_message(), extra_tags=self.success_message_tags)
        return redirect(self.get_success_url())
