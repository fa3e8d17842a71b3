"""Voilà for a workshop, with a pool that is full for the joining and then keeps only a few spare kernels.

Voilà refills a preheated pool to its full size after every use. For a workshop that doubles the memory:
30 participants joining would start 30 more kernels that nobody needs. Voilà has no separate refill
size, so this launcher gives its kernel manager one: the first fill uses the sizes on the command line,
later refills the sizes in NYTTOLIB_REFILL_POOLS (JSON, e.g. {"delta.ipynb": {"pool_size": 3}}): enough
for latecomers and reloads, each of which still gets a kernel that is ready.

Run by `nyttolib serve --workshop` as `python -m nyttolib.serve.workshop <voila arguments>`; the rest
(host guard, compressed static files) is nyttolib.serve.voila_app's.
"""

from __future__ import annotations

import json
import os

REFILL_ENV = "NYTTOLIB_REFILL_POOLS"


def main() -> None:
    import voila.app

    from nyttolib.serve import voila_app

    refill = json.loads(os.environ.get(REFILL_ENV, "{}"))
    full_pool_factory = voila.app.voila_kernel_manager_factory

    def factory(*args, **kwargs):
        base = full_pool_factory(*args, **kwargs)

        class WorkshopKernelManager(base):
            def __init__(self, **options):
                super().__init__(**options)  # starts the first, full fill
                if refill:
                    self.kernel_pools_config = refill  # every later fill tops up to these sizes

        return WorkshopKernelManager

    voila.app.voila_kernel_manager_factory = factory
    voila_app.main()


if __name__ == "__main__":
    main()
