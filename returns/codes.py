"""Return codes: 8 characters from the pickup-code alphabet (no look-alikes), and their QR."""

from shop.orders.pickup_codes import (
    pickup_code_format,
    pickup_code_generate,
    pickup_code_normalize,
)

return_code_generate = pickup_code_generate
return_code_normalize = pickup_code_normalize
return_code_format = pickup_code_format
