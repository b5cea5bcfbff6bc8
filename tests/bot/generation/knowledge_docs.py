"""A small fixture knowledge base (agreeing with docs/company.md) for the generation and action tests."""

from __future__ import annotations

from pathlib import Path

# A few help-centre articles agreeing with docs/company.md.
DOCUMENTS = {
    "returns/gift-returns.md": """# Returning a gift

## With a gift receipt or the order number

Gifts are returned within 30 days of delivery, unworn and unwashed with tags attached.
Start at harborandpine.example/returns and enter the order number from the gift receipt.
The refund is issued as store credit: a Harbor & Pine gift card sent to the recipient.

## Without a gift receipt

No receipt and no order number? We still accept the return. Contact our care team.
You get store credit at the lowest price of the item in the last 90 days.
""",
    "shipping/shipping-options.md": """# Shipping options

## Standard shipping

Standard shipping takes 3-5 business days. It is free on orders of $50 or more, otherwise it costs $4.95.

## Express shipping

Express shipping takes 1-2 business days and costs $12.95.

## Shipping to Canada

Parcels to Canada travel with Canada Post, take 7-10 business days and cost $9.95, duties included.
""",
    "help/contact-and-hours.md": """# Contact and opening hours

## Customer care hours

Our care team answers Monday to Friday 8 am to 8 pm Eastern and Saturday 9 am to 5 pm Eastern.
We are closed on Sundays and US public holidays.

## Phone and email

Call us on 1-800-555-0142 or write to support@harborandpine.example.
""",
    "account/password-reset.md": """# Resetting your password

## Forgot password

Click "Forgot password?" on the sign-in page and enter your email address.
The link in the email is valid for 30 minutes.

## Locked account

After 5 failed sign-in attempts the account is locked for 15 minutes.
""",
    "products/care-instructions.md": """# Caring for your clothes

## Cotton

Most cotton items can be machine washed cold.

## Wool and cashmere

Wool and cashmere should be hand washed in cold water or dry cleaned. Dry knitwear flat.
""",
}


def write_knowledge(folder: Path) -> Path:
    """Write the fixture documents into ``folder`` and return it."""
    for name, text in DOCUMENTS.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder
