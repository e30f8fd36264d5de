"""A local server answering as PrestaShop 8.2.0's webservice does, for the liaison's tests and
benchmarks. See SOURCES.md for what each behaviour follows and what is simplified."""

from tests.prestashop.seed import KEY, LIAISON_PERMISSIONS
from tests.prestashop.server import PrestaShopServer, running_shop
from tests.prestashop.shop import Shop, all_methods

__all__ = ["KEY", "LIAISON_PERMISSIONS", "PrestaShopServer", "Shop", "all_methods", "running_shop"]
