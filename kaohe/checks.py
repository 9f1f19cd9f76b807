"""Kaohe's own deployment checks, run by ``kaohe check --deploy``."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def plain_http(app_configs, **kwargs):
    if not getattr(settings, "PLAIN_HTTP", False):
        return []
    return [
        Warning(
            "KAOHE_PLAIN_HTTP 已开启：密码和会话 Cookie 以明文传输，且没有 HSTS。",
            hint="生产环境请在反向代理上启用 HTTPS，并去掉 KAOHE_PLAIN_HTTP（见 docs/operations.md）。",
            id="kaohe.W001",
        )
    ]
