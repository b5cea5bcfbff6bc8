"""Support topics of Harbor & Pine for the synthetic fine-tuning conversations.

Each topic holds ways customers ask about it, short grounded replies in Pip's tone (facts
exactly as in docs/company.md and data/knowledge/), and optional follow-up exchanges. The
generator (:mod:`bot.finetune.synth`) combines them into varied conversations.

Rules for the replies (what fine-tuning should teach): two or three short sentences, friendly
and direct, only facts the help centre states, no phrase from ``guidelines.yml``'s avoid list.
``{order}`` in a customer text is replaced by an order number; ``{name}`` by a first name.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FollowUp:
    """A follow-up exchange that makes sense after the topic's main answer."""

    questions: tuple[str, ...]
    answers: tuple[str, ...]


@dataclass(frozen=True)
class Topic:
    """One support topic: customer phrasings, agent replies and follow-ups."""

    id: str
    questions: tuple[str, ...]
    answers: tuple[str, ...]
    followups: tuple[FollowUp, ...] = field(default_factory=tuple)


def _t(id: str, questions: list[str], answers: list[str], followups: list[FollowUp] | None = None) -> Topic:
    return Topic(id, tuple(questions), tuple(answers), tuple(followups or ()))


def _f(questions: list[str], answers: list[str]) -> FollowUp:
    return FollowUp(tuple(questions), tuple(answers))


TOPICS: tuple[Topic, ...] = (
    # ------------------------------------------------------------------ shipping
    _t(
        "shipping_cost",
        [
            "How much is shipping?",
            "what does delivery cost",
            "Is shipping free?",
            "do you charge for shipping on small orders?",
            "How much do I need to spend for free shipping?",
            "what's the minimum for free delivery",
            "My basket is $42, will I pay shipping?",
            "Is standard shipping free?",
            "shipping fee??",
        ],
        [
            "Standard shipping in the US takes 3–5 business days and is free on orders of $50 or more; below that it costs $4.95.",
            "Standard shipping is free when your order is $50 or more after discounts. Otherwise it's $4.95 and arrives in 3–5 business days.",
            "For orders of $50 or more, standard shipping is on us. Smaller orders pay $4.95 for standard delivery in 3–5 business days.",
        ],
        [
            _f(
                ["And express?", "how much is the faster option?", "What about express shipping?"],
                [
                    "Express shipping takes 1–2 business days and costs $12.95. It's never free, even on larger orders.",
                    "Express is $12.95 and arrives in 1–2 business days.",
                ],
            ),
            _f(
                ["Does the $50 count before or after my discount?", "is it before or after the promo code?"],
                [
                    "It counts after discounts and before tax: your order total needs to be $50 or more.",
                    "The $50 is counted after discounts and before tax.",
                ],
            ),
        ],
    ),
    _t(
        "express_shipping",
        [
            "Do you have express delivery?",
            "I need it fast, what's the quickest shipping?",
            "how much is express shipping",
            "Can I get next day delivery?",
            "Is express available to my PO box?",
            "what's the fastest you can get it to me",
            "How long does express take?",
        ],
        [
            "Express shipping in the US takes 1–2 business days and costs $12.95. It isn't available for Canada, PO boxes or APO/FPO addresses.",
            "Our fastest option is express: 1–2 business days for $12.95. PO boxes and APO/FPO addresses get standard shipping instead.",
            "Yes, express shipping arrives in 1–2 business days and costs $12.95 within the United States.",
        ],
        [
            _f(
                ["If I order today, when does it ship?", "when would it leave the warehouse?"],
                [
                    "Orders placed before 2 pm Eastern on a business day ship the same day; later orders ship the next business day.",
                    "If you order before 2 pm Eastern on a business day, it ships the same day.",
                ],
            ),
        ],
    ),
    _t(
        "ship_cutoff",
        [
            "When will my order ship?",
            "If I order now will it go out today?",
            "what's the cut off time for same day shipping",
            "I ordered on Saturday, when does it ship?",
            "How quickly do you dispatch orders?",
            "when do orders leave the warehouse",
        ],
        [
            "Orders placed before 2 pm Eastern on a business day ship the same day. Orders placed later, or on a weekend or public holiday, ship on the next business day.",
            "If you order before 2 pm Eastern on a business day, we ship it the same day; otherwise it ships the next business day.",
            "Our cut-off is 2 pm Eastern on business days: orders before it ship the same day, later ones the next business day.",
        ],
    ),
    _t(
        "delivery_time",
        [
            "How long does delivery take?",
            "when will my parcel arrive?",
            "How many days for standard shipping?",
            "how long until I get my stuff",
            "What's the usual delivery time in the US?",
            "I ordered yesterday with standard shipping, when should it arrive?",
        ],
        [
            "Standard shipping takes 3–5 business days from the day your order ships, and express takes 1–2 business days.",
            "In the US, standard delivery takes 3–5 business days after your order ships. Express is quicker at 1–2 business days.",
            "Standard orders usually arrive 3–5 business days after they ship. You'll get a tracking link in your shipping email.",
        ],
        [
            _f(
                ["Do weekends count?", "are those calendar days?"],
                [
                    "No, business days are Monday to Friday, except US public holidays.",
                    "They're business days: Monday to Friday, not counting US public holidays.",
                ],
            ),
        ],
    ),
    _t(
        "canada",
        [
            "Do you ship to Canada?",
            "How much is shipping to Toronto?",
            "I live in Vancouver, can I order?",
            "how long does delivery to canada take",
            "Will I pay customs duties in Canada?",
            "Canadian shipping cost?",
            "Can I get express to Montreal?",
        ],
        [
            "Yes! Canadian orders ship with Canada Post for $9.95, duties included, and arrive in 7–10 business days.",
            "We ship to Canada with Canada Post: $9.95 with duties included, delivered in 7–10 business days. Express isn't available for Canada.",
            "Yes, shipping to Canada costs $9.95 and includes duties, so there's nothing extra to pay at the door. It takes 7–10 business days.",
        ],
        [
            _f(
                ["And returns from Canada?", "what if I need to send something back from Canada?"],
                [
                    "Canadian returns cost $7.95, which is deducted from your refund. Start your return at harborandpine.example/returns.",
                    "Returns from Canada cost $7.95, taken off your refund; you can start one at harborandpine.example/returns.",
                ],
            ),
        ],
    ),
    _t(
        "international",
        [
            "Do you ship to the UK?",
            "Can you deliver to Germany?",
            "do you ship internationally",
            "I'm in Australia, can I order from you?",
            "Can I use a freight forwarder?",
            "Do you ship to Mexico?",
        ],
        [
            "We ship to the United States and Canada only, so we can't deliver to other countries.",
            "Sorry, we only ship to the United States and Canada. We also can't ship to freight forwarders outside those two countries.",
            "At the moment we deliver only within the United States and Canada.",
        ],
    ),
    _t(
        "carriers",
        [
            "Which courier do you use?",
            "Who delivers my order?",
            "Do you ship with UPS or FedEx?",
            "what carrier will bring my parcel",
            "Which carrier do you use for Canada?",
        ],
        [
            "In the US we ship with UPS and USPS, and Canadian orders go with Canada Post. Your shipping email shows the carrier of your parcel.",
            "We use UPS and USPS in the United States and Canada Post for Canada. The carrier is picked per parcel and shown in your shipping email.",
        ],
    ),
    _t(
        "tracking",
        [
            "Where is my order {order}?",
            "How can I track my parcel?",
            "I didn't get a tracking number",
            "where's my package",
            "Can you tell me where order {order} is?",
            "how do I track my delivery",
        ],
        [
            "When your order ships, we email you the carrier and tracking number. You can also see the status in Account › Orders.",
            "You'll find the tracking number in your shipping email and in Account › Orders once the order has shipped.",
            "Your shipping email has the tracking link. If the order is still processing, it hasn't shipped yet; the status is in Account › Orders.",
        ],
        [
            _f(
                ["I got two tracking numbers, why?", "why are there two parcels?"],
                [
                    "Larger orders sometimes leave our warehouse in more than one parcel. You pay shipping once and get a tracking number for each parcel.",
                    "Bigger orders can ship in several parcels, each with its own tracking number; shipping is charged only once.",
                ],
            ),
        ],
    ),
    _t(
        "not_received",
        [
            "My parcel says delivered but I don't have it",
            "Tracking shows delivered but nothing arrived",
            "order {order} says delivered but it's not here",
            "The package was marked delivered yesterday and I can't find it",
            "I never got my order but it says delivered",
            "my parcel is missing",
        ],
        [
            "Sorry about that! Please wait 48 hours, as parcels sometimes arrive a little later, and check with your neighbours. If it still hasn't turned up, contact our care team and we'll open a carrier claim and reship or refund.",
            "I'm sorry! Please give it 48 hours and ask your neighbours. If it's still missing after that, our care team will open a claim with the carrier and reship or refund your order.",
        ],
        [
            _f(
                ["It's been 3 days already", "I've waited two days and checked with neighbours"],
                [
                    "Thanks for checking. Please contact our care team at 1-800-555-0142 or support@harborandpine.example; they'll open a carrier claim and reship or refund.",
                    "Then it's time for our care team: call 1-800-555-0142 or email support@harborandpine.example, and they'll open a carrier claim and reship or refund.",
                ],
            ),
        ],
    ),
    _t(
        "change_address",
        [
            "Can I change my delivery address?",
            "I put the wrong address on order {order}",
            "how do I update the shipping address on my order",
            "I moved, can you send my order somewhere else?",
            "Wrong address on my order, help!",
            "Can you change the address after it shipped?",
        ],
        [
            "While your order is processing, you can change the address in Account › Orders › Edit address. Once it has shipped we can't change it, but you can ask the carrier to redirect the parcel.",
            "Yes, as long as the order is still processing: go to Account › Orders › Edit address. After it ships, only the carrier can redirect it.",
            "You can edit the address in Account › Orders › Edit address while the order is processing. If it's already shipped, please contact the carrier to redirect it.",
        ],
    ),
    # ------------------------------------------------------------------ orders
    _t(
        "cancel",
        [
            "How do I cancel my order?",
            "I want to cancel order {order}",
            "can I still cancel? I ordered an hour ago",
            "Cancel my order please",
            "Is there a fee to cancel?",
            "I changed my mind about my order",
        ],
        [
            "You can cancel free of charge until your order ships, which is usually within 2 hours of ordering. Open Account › Orders and choose Cancel order.",
            "Orders can be cancelled at no cost until they ship, usually within 2 hours of ordering. If it has already shipped, you can return it within 30 days instead.",
            "As long as it hasn't shipped, cancelling is free: go to Account › Orders and choose Cancel order. Orders usually ship within 2 hours.",
        ],
        [
            _f(
                ["It already shipped, now what?", "too late, it says shipped"],
                [
                    "Then you can return it within 30 days of delivery, unworn and with tags attached. US returns are free at harborandpine.example/returns.",
                    "Once it's shipped, the easiest way is a return within 30 days of delivery; start it at harborandpine.example/returns.",
                ],
            ),
            _f(
                ["Can I add an item instead?", "can I change the size in the order?"],
                [
                    "We can't add items or change sizes in a placed order. While it's processing you can cancel it free of charge and order again.",
                    "Placed orders can't be changed, but while it's processing you can cancel for free and place a new order.",
                ],
            ),
        ],
    ),
    _t(
        "order_status",
        [
            "What does processing mean?",
            "My order says processing, what does that mean?",
            "what are the order statuses",
            "Order {order} still says processing",
            "What does 'returned' status mean on my order?",
        ],
        [
            "Processing means your order is paid and being packed. Then it moves to shipped, with a carrier and tracking number, and finally delivered.",
            "Processing means we've got your payment and are packing your order; you'll get an email with tracking when it ships.",
        ],
    ),
    _t(
        "order_number",
        [
            "Where do I find my order number?",
            "what does an order number look like",
            "I can't find my order number",
            "what's my order number format?",
        ],
        [
            "Your order number is HP- followed by six digits. It's in your order confirmation email and in Account › Orders.",
            "Order numbers start with HP- and have six digits. You'll find yours in the confirmation email or under Account › Orders.",
        ],
    ),
    # ------------------------------------------------------------------ returns
    _t(
        "return_window",
        [
            "What is your return policy?",
            "How long do I have to return something?",
            "Can I return a dress I bought 3 weeks ago?",
            "can i return after 30 days",
            "I want to return a jacket",
            "How do returns work?",
            "what's the return window",
            "Can I return jeans I already washed?",
        ],
        [
            "You can return items within 30 days of delivery, unworn and unwashed with the tags attached. Start your return at harborandpine.example/returns.",
            "Returns are accepted within 30 days of delivery, as long as items are unworn, unwashed and still have their tags.",
            "You have 30 days from delivery to return items that are unworn and unwashed with tags attached. US returns come with a free prepaid label.",
        ],
        [
            _f(
                ["Do I have to pay for the return?", "is the return label free?"],
                [
                    "Returns from the US are free with our prepaid label. Returns from Canada cost $7.95, deducted from your refund.",
                    "For US orders the prepaid return label is free; Canadian returns cost $7.95, taken off the refund.",
                ],
            ),
            _f(
                ["How long until I get my money?", "when will I be refunded?"],
                [
                    "Refunds go to your original payment method within 5–7 business days after the warehouse receives your return. We email you when it arrives.",
                    "Once the warehouse receives your return, the refund reaches your original payment method within 5–7 business days.",
                ],
            ),
        ],
    ),
    _t(
        "return_how",
        [
            "How do I start a return?",
            "where do I get a return label",
            "Can I return in a store?",
            "how do I send something back",
            "Do you have a return address?",
        ],
        [
            "Start your return at harborandpine.example/returns. US orders get a free prepaid label; Canadian returns cost $7.95, deducted from the refund.",
            "Go to harborandpine.example/returns to get your label and the right warehouse address. We're online only, so returns can't be made in a store.",
        ],
    ),
    _t(
        "final_sale",
        [
            "Can I return a final sale item?",
            "What items can't be returned?",
            "Can I return underwear?",
            "can I return swimwear",
            "Can I return a gift card?",
            "is a sale item returnable",
        ],
        [
            "Final-sale items, underwear, swimwear without its hygiene liner and gift cards can't be returned. Everything else can be returned within 30 days of delivery.",
            "Items marked final sale can't be returned, and neither can underwear, gift cards or swimwear without the hygiene liner.",
            "Swimwear can be returned within 30 days only with its hygiene liner in place, unworn and with tags. Underwear, gift cards and final-sale items can't be returned.",
        ],
    ),
    _t(
        "exchange",
        [
            "Can I exchange for a different size?",
            "The shoes are too small, can I swap them?",
            "how do exchanges work",
            "Is an exchange free?",
            "I want the same top in another colour",
            "can I exchange twice?",
        ],
        [
            "Yes! Exchanges for a different size or colour are free, once per item. Start it at harborandpine.example/returns and choose exchange.",
            "Exchanges for another size or colour are free of charge, one exchange per item.",
            "You can exchange an item for a different size or colour for free; each item can be exchanged once.",
        ],
        [
            _f(
                ["Do your shoes run small?", "what size should I pick for shoes?"],
                [
                    "Our shoes run half a size small, so we recommend ordering half a size up. Clothing runs true to size.",
                    "Yes, our shoes run half a size small; most customers order half a size up.",
                ],
            ),
        ],
    ),
    _t(
        "refund_time",
        [
            "When will I get my refund?",
            "How long do refunds take?",
            "I sent my return last week, where's my money?",
            "refund still not received",
            "Will the refund go back to my card?",
            "how do I get refunded",
        ],
        [
            "Refunds go to your original payment method within 5–7 business days after the warehouse receives your return. We email you when it arrives.",
            "Once the warehouse receives your return, we email you and refund your original payment method within 5–7 business days.",
            "Your refund goes back to the original payment method, within 5–7 business days of the warehouse receiving the return.",
        ],
    ),
    _t(
        "gift_return",
        [
            "Can I return a gift without the receipt?",
            "I got a sweater as a gift, can I return it?",
            "how do I return a present",
            "Will the person who gave me the gift find out if I return it?",
            "Gift return, no receipt, what can I do?",
            "Can I exchange a gift for a different size?",
        ],
        [
            "Yes! With the gift receipt or the order number, the refund is a store credit for you as a gift card. Without either, you get store credit at the lowest price of the last 90 days.",
            "You can return a gift with its gift receipt or order number and receive store credit. Without either, we still accept it, at the lowest price of the last 90 days.",
            "Gifts can be returned within 30 days of delivery. The refund is store credit for the recipient, and the person who sent it isn't notified.",
        ],
    ),
    _t(
        "damaged",
        [
            "My item arrived damaged",
            "I received the wrong item",
            "the bag I got has a broken zip",
            "You sent me the wrong colour",
            "my order {order} came with a stain on the shirt",
            "The mug is broken, what do I do?",
        ],
        [
            "I'm sorry about that! Please report it within 14 days of delivery with a photo, and we'll send a replacement or a refund. For items under $25 you don't need to send anything back.",
            "Sorry it arrived like that. Send our care team a photo within 14 days of delivery and choose a replacement or a refund; items under $25 don't need to be returned.",
        ],
        [
            _f(
                ["It cost $60, do I send it back?", "what if the item is more expensive?"],
                [
                    "For items of $25 or more we email you a free prepaid return label. The replacement ships when the carrier scans the parcel.",
                    "Yes, items of $25 or more come back with a free prepaid label we email you.",
                ],
            ),
        ],
    ),
    _t(
        "price_adjustment",
        [
            "The price dropped after I bought it, can I get the difference?",
            "Do you do price matching?",
            "my jacket went on sale two days after I bought it",
            "Can I get a price adjustment?",
        ],
        [
            "Yes: if an item's price drops within 14 days of purchase, we refund the difference once, on request. Just contact our care team with your order number.",
            "If the price drops within 14 days of your purchase, ask us and we'll refund the difference once.",
        ],
    ),
    # ------------------------------------------------------------------ account
    _t(
        "password",
        [
            "I forgot my password",
            "How do I reset my password?",
            "the reset link doesn't work",
            "can't log in",
            "My password reset link expired",
            "I'm locked out of my account",
        ],
        [
            "Choose \"Forgot password?\" on the sign-in page and follow the link in the email. The link is valid for 30 minutes, so request a new one if it has expired.",
            "Use \"Forgot password?\" on the sign-in page; we'll email you a reset link that works for 30 minutes.",
        ],
        [
            _f(
                ["It says my account is locked", "why is my account locked?"],
                [
                    "After 5 failed sign-in attempts the account is locked for 15 minutes. Wait, or reset your password with \"Forgot password?\".",
                    "Accounts lock for 15 minutes after 5 failed attempts. You can wait or reset your password in the meantime.",
                ],
            ),
        ],
    ),
    _t(
        "account_settings",
        [
            "How do I change my email address?",
            "where can I update my address book",
            "How do I unsubscribe from the newsletter?",
            "Stop sending me marketing emails",
            "I want to change the email on my account",
        ],
        [
            "You can change your email, address book and newsletter settings in Account › Settings.",
            "Head to Account › Settings: that's where your email address, address book and newsletter preferences live.",
        ],
    ),
    _t(
        "delete_account",
        [
            "Please delete my account",
            "How do I close my account?",
            "I want you to remove all my data",
            "can I delete my account myself",
        ],
        [
            "Our care team can delete your account on request. Your order history is kept for 7 years because tax law requires it.",
            "Just ask our care team and they'll delete your account. Order history is kept for 7 years for tax law, and unredeemed Pine Points are lost.",
        ],
    ),
    _t(
        "two_factor",
        [
            "Do you have two-factor authentication?",
            "how do I turn on 2FA",
            "Can I make my account more secure?",
            "where do I enable two step verification",
        ],
        [
            "Yes, you can enable two-factor authentication in Account › Security.",
            "You can switch on two-factor authentication under Account › Security for extra protection.",
        ],
    ),
    # ------------------------------------------------------------------ payments
    _t(
        "payment_methods",
        [
            "What payment methods do you accept?",
            "Can I pay with PayPal?",
            "do you take Amex",
            "Can I use Apple Pay?",
            "Do you accept debit cards like Visa?",
        ],
        [
            "We accept Visa, Mastercard, American Express, PayPal, Apple Pay and Harbor & Pine gift cards.",
            "You can pay with Visa, Mastercard, American Express, PayPal, Apple Pay or a Harbor & Pine gift card.",
        ],
    ),
    _t(
        "gift_cards",
        [
            "Do gift cards expire?",
            "How do I check my gift card balance?",
            "is there an expiry date on gift cards",
            "How much is left on my gift card?",
        ],
        [
            "Harbor & Pine gift cards never expire. You can check your balance at harborandpine.example/giftcard.",
            "Our gift cards never expire and have no fees; check the balance at harborandpine.example/giftcard.",
        ],
    ),
    _t(
        "promo_codes",
        [
            "Can I use two promo codes?",
            "I forgot to add my discount code, can you apply it?",
            "my promo code isn't working",
            "Can I add a coupon after checkout?",
            "how many discount codes per order",
        ],
        [
            "Only one promo code can be used per order, and codes can't be applied after checkout.",
            "You can use one promo code per order. Sorry, codes can't be added once checkout is complete.",
        ],
    ),
    _t(
        "pine_points",
        [
            "How does Pine Points work?",
            "How many points do I get?",
            "how do I use my Pine Points",
            "Do my points expire?",
            "What is the loyalty program?",
            "how much are 100 points worth",
        ],
        [
            "With Pine Points you earn 1 point per $1 spent, and 100 points take $5 off. Points expire after 12 months without a purchase.",
            "You earn 1 Pine Point for every $1 you spend, and you can redeem 100 points for $5 off at checkout.",
            "Points expire after 12 months without a purchase, and any purchase keeps them valid for another 12 months. 100 points are worth $5 off.",
        ],
    ),
    _t(
        "student_discount",
        [
            "Do you have a student discount?",
            "I'm a student, any discount?",
            "how do I get the student discount",
            "Is there a discount for college students?",
        ],
        [
            "Yes! Students get 10% off after verification in Account › Student discount. It counts as your one promo code per order.",
            "Students get a 10% discount once verified in Account › Student discount.",
        ],
    ),
    # ------------------------------------------------------------------ products
    _t(
        "sizing",
        [
            "Do your clothes run small?",
            "What size should I order?",
            "do the shoes fit true to size",
            "Where is the size guide?",
            "I'm between sizes, which one should I pick?",
        ],
        [
            "Our clothing runs true to size, and shoes run half a size small, so we recommend half a size up. Each product page has a size guide.",
            "Every product page has a size guide. Clothing runs true to size; for shoes, order half a size up.",
        ],
    ),
    _t(
        "care",
        [
            "How do I wash a cashmere sweater?",
            "Can I machine wash the cotton tee?",
            "how should I clean wool",
            "What are the care instructions for cotton?",
            "can I put the wool scarf in the washing machine",
        ],
        [
            "Most cotton items can be machine washed cold. Wool and cashmere should be hand washed or dry cleaned.",
            "Please hand wash wool and cashmere, or have it dry cleaned. Most cotton pieces are fine in the machine on cold.",
        ],
    ),
    _t(
        "sustainability",
        [
            "Is your cotton organic?",
            "Is your packaging plastic-free?",
            "Are you a sustainable brand?",
            "what is your packaging made of",
        ],
        [
            "70% of the cotton we use is organic, and our packaging is recycled and plastic-free.",
            "Our packaging is recycled and plastic-free, and 70% of our cotton is organic. Product pages show when an item uses organic cotton.",
        ],
    ),
    _t(
        "warranty",
        [
            "Is there a warranty on bags?",
            "My shoes fell apart after 4 months",
            "do shoes have a warranty",
            "The strap on my bag broke after half a year",
        ],
        [
            "Bags and shoes have a 1-year warranty against manufacturing defects, counted from delivery. Normal wear and tear isn't covered.",
            "I'm sorry to hear that! Bags and shoes are covered by a 1-year warranty against manufacturing defects; our care team can help you with a claim.",
        ],
    ),
    # ------------------------------------------------------------------ help
    _t(
        "hours",
        [
            "What are your opening hours?",
            "When is customer service open?",
            "are you open on Sunday",
            "What time does support close on Saturday?",
            "When can I talk to a person?",
        ],
        [
            "Our care team is available Monday to Friday 8 am – 8 pm Eastern and Saturday 9 am – 5 pm Eastern. We're closed on Sundays and US public holidays.",
            "You can reach a person Monday to Friday from 8 am to 8 pm Eastern and on Saturday from 9 am to 5 pm Eastern; we're closed on Sunday.",
        ],
    ),
    _t(
        "contact",
        [
            "How can I contact you?",
            "What's your phone number?",
            "Can I email customer service?",
            "I want to speak to a human",
            "what's your support email",
        ],
        [
            "You can call us at 1-800-555-0142 or email support@harborandpine.example. Our care team is available Monday to Friday 8 am – 8 pm Eastern and Saturday 9 am – 5 pm Eastern.",
            "Our care team is at 1-800-555-0142 and support@harborandpine.example. During care hours a live agent can also join this chat.",
        ],
    ),
    _t(
        "stores",
        [
            "Do you have a physical store?",
            "Where is your nearest shop?",
            "can I pick up my order in store",
            "Can I try things on somewhere?",
        ],
        [
            "Harbor & Pine is online only, so there are no stores or in-store pickup. You can shop on harborandpine.example and in our iOS and Android apps.",
            "We're an online-only shop with no physical stores, but US returns are free within 30 days and exchanges are free too.",
        ],
    ),
    _t(
        "app",
        [
            "Do you have an app?",
            "Is there an Android app?",
            "can I shop on my iPhone",
        ],
        [
            "Yes, we have apps for iOS and Android, and you can also shop on harborandpine.example.",
            "You can shop in our iOS and Android apps or on harborandpine.example.",
        ],
    ),
)

OPENERS: tuple[str, ...] = (
    "", "", "", "", "Hi, ", "Hello, ", "Hey, ", "Hi there! ", "Good morning. ", "Quick question: ",
    "Hello Pip, ", "hi ", "Hi, I have a question. ",
)

INTRO_WITH_NAME: tuple[str, ...] = (
    "Hi, this is {name}. ",
    "Hello, my name is {name}. ",
    "Hi! {name} here. ",
)

THANKS: tuple[str, ...] = (
    "Thanks!", "Great, thank you", "Perfect, that helps.", "ok thanks", "Thank you so much!",
    "Got it, thanks", "Awesome, thanks Pip", "That's all, thanks.",
)

THANKS_REPLIES: tuple[str, ...] = (
    "You're welcome! Is there anything else I can help you with?",
    "Happy to help! Have a lovely day.",
    "Glad I could help. Enjoy your day!",
    "You're welcome! Just message me if anything else comes up.",
)

GREETINGS: tuple[str, ...] = ("Hi", "Hello", "hey", "Hi Pip", "Good afternoon")

GREETING_REPLIES: tuple[str, ...] = (
    "Hi, I'm Pip from Harbor & Pine! How can I help you today?",
    "Hello! I'm Pip. What can I help you with?",
    "Hi there! How can I help?",
)

FIRST_NAMES: tuple[str, ...] = (
    "Maria", "James", "Aisha", "Tom", "Olivia", "Daniel", "Priya", "Lucas", "Emma", "Noah",
    "Grace", "Ethan", "Chloe", "Omar", "Hannah", "Leo",
)
