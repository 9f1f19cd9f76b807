from django.apps import AppConfig
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class Config(AppConfig):
    verbose_name = "密码"
    name = "kaohe.crypto"
    label = "crypto"

    def ready(self) -> None:
        from kaohe.crypto import checks  # noqa: F401  (registers the system checks)
        from kaohe.crypto.keys import KeyFileProvider, create_key_file
        from kaohe.crypto.modes import CryptoError, missing_algorithms, openssl_version

        try:
            missing = missing_algorithms(settings.CRYPTO_MODE)
        except CryptoError as error:
            raise ImproperlyConfigured(f"CRYPTO_MODE 设置有误：{error}") from None
        if missing:
            raise ImproperlyConfigured(
                f"CRYPTO_MODE={settings.CRYPTO_MODE}（国密）需要 {'、'.join(missing)}，"
                f"但本机的 {openssl_version()} 不支持。请安装支持 SM3/SM4 的 OpenSSL，或改用 standard 模式。"
            )
        # A development instance makes its own key file, so the demo stays two commands; production
        # makes it deliberately (`kaohe crypto init-key`) and keeps a copy apart from the database.
        if settings.DEBUG and settings.CRYPTO_KEY_PROVIDER.endswith(KeyFileProvider.__name__):
            create_key_file(settings.CRYPTO_KEY_FILE)
