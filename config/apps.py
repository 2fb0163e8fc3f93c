from django.contrib.admin.apps import AdminConfig


class PeacekeeperAdminConfig(AdminConfig):
    """Django admin, with the reports reachable from its index."""

    default_site = "accounts.admin_site.PeacekeeperAdminSite"
