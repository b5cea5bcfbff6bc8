"""Support topics of Harbor & Pine for the synthetic fine-tuning conversations.

Each topic holds ways customers ask about it, short grounded replies in Pip's tone (facts
exactly as in docs/company.md and data/knowledge/), and optional follow-up exchanges. The
generator (:mod:`bot.finetune.synth`) combines them into varied conversations.

Reply families. Every topic, follow-up, greeting and thanks has one reply per *family*
(:data:`FAMILIES` = 6): the same facts, worded differently. A generated conversation uses one
family for all its replies, so conversations of different families share no reply, and a split
that keeps each family in one part (:mod:`bot.finetune.split`) shares no reference reply (nor a
near-duplicate of one) between training and evaluation. Replies of different families must not
be near-duplicates (character 5-gram Jaccard >= 0.8; ``tests/bot/finetune/test_synth.py``
checks every pair), and the same topic's families state the same facts.

Customer phrasings of a topic are partitioned too (:func:`questions_for`): the questions at
positions 0, 1, 2 (mod 5) are asked in families 0-3, position 3 only in family 4 and position 4
only in family 5, so the two small families also ask in words the others never use. Follow-up
questions, openers, greetings and thanks are shared by all families.

Rules for the replies (what fine-tuning should teach): two or three short sentences, friendly
and direct, only facts the help centre states, no phrase from ``guidelines.yml``'s avoid list.
``{order}`` in a customer text is replaced by an order number; ``{name}`` by a first name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

FAMILIES = 6
"""Reply families: each topic, follow-up, greeting and thanks has one reply (set) per family."""
QUESTION_POOLS = 5
"""Customer phrasings cycle over 5 pools: 0-2 for families 0-3, 3 for family 4, 4 for family 5."""


@dataclass(frozen=True)
class FollowUp:
    """A follow-up exchange that makes sense after the topic's main answer."""

    questions: tuple[str, ...]
    answers: tuple[str, ...]
    """One reply per family."""


@dataclass(frozen=True)
class Topic:
    """One support topic: customer phrasings, agent replies (one per family) and follow-ups."""

    id: str
    questions: tuple[str, ...]
    answers: tuple[str, ...]
    followups: tuple[FollowUp, ...] = field(default_factory=tuple)


def _t(id: str, questions: list[str], answers: list[str], followups: list[FollowUp] | None = None) -> Topic:
    if len(answers) != FAMILIES:
        raise ValueError(f"topic {id}: {len(answers)} replies, expected one per family ({FAMILIES})")
    if len(questions) < QUESTION_POOLS:
        raise ValueError(f"topic {id}: {len(questions)} questions, expected at least {QUESTION_POOLS}")
    for follow in followups or ():
        if len(follow.answers) != FAMILIES:
            raise ValueError(f"topic {id}: a follow-up has {len(follow.answers)} replies, expected {FAMILIES}")
    return Topic(id, tuple(questions), tuple(answers), tuple(followups or ()))


def _f(questions: list[str], answers: list[str]) -> FollowUp:
    return FollowUp(tuple(questions), tuple(answers))


def questions_for(topic: Topic, family: int) -> tuple[str, ...]:
    """The customer phrasings of ``topic`` asked in conversations of ``family``."""
    if not 0 <= family < FAMILIES:
        raise ValueError(f"family must be in 0..{FAMILIES - 1}, got {family}")
    pools = {0, 1, 2} if family < 4 else {family - 1}
    return tuple(q for i, q in enumerate(topic.questions) if i % QUESTION_POOLS in pools)


# One list, used by two topics (refund_time, and return_window's follow-up): the same family
# gives the same reply to the same question.
_REFUND_TIME = [
    "Refunds go to your original payment method within 5–7 business days after the warehouse receives your return. We email you when it arrives.",
    "Once the warehouse receives your return, we email you and refund your original payment method within 5–7 business days.",
    "Your refund goes back to the original payment method, within 5–7 business days of the warehouse receiving the return.",
    "We refund the way you paid, within 5–7 business days of your return reaching the warehouse. You'll get an email when it's arrived.",
    "The money is issued to the card or account you paid with; allow 5–7 business days from the moment our warehouse has your parcel.",
    "Expect it 5–7 business days after our warehouse gets the items back, on the same payment method you used for the order.",
]

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
            "How much are your delivery charges?",
            "Do you offer free shipping?",
            "what's the shipping charge on a $30 order",
        ],
        [
            "Standard shipping in the US takes 3–5 business days and is free on orders of $50 or more; below that it costs $4.95.",
            "Standard shipping is free when your order is $50 or more after discounts. Otherwise it's $4.95 and arrives in 3–5 business days.",
            "For orders of $50 or more, standard shipping is on us. Smaller orders pay $4.95 for standard delivery in 3–5 business days.",
            "It depends on your order total: from $50 up, standard delivery costs nothing, and under $50 it's $4.95. Either way it takes 3–5 business days.",
            "Spend $50 or more and standard shipping is free. Below $50 we charge $4.95, and your parcel arrives within 3–5 business days.",
            "Our standard rate is $4.95, waived once your order reaches $50. Delivery within the US takes 3–5 business days.",
        ],
        [
            _f(
                ["And express?", "how much is the faster option?", "What about express shipping?"],
                [
                    "Express shipping takes 1–2 business days and costs $12.95. It's never free, even on larger orders.",
                    "Express is $12.95 and arrives in 1–2 business days.",
                    "The faster option is express at $12.95, delivered in 1–2 business days; the free-shipping threshold doesn't apply to it.",
                    "Express delivery costs $12.95 whatever your order total, and it gets to you in 1–2 business days.",
                    "If you're in a hurry, express takes 1–2 business days for a flat $12.95.",
                    "That one is $12.95 and takes 1–2 business days. Express shipping is not free at any order value.",
                ],
            ),
            _f(
                ["Does the $50 count before or after my discount?", "is it before or after the promo code?", "does tax count towards the $50?"],
                [
                    "It counts after discounts and before tax: your order total needs to be $50 or more.",
                    "The $50 is counted after discounts and before tax.",
                    "We look at your total once discounts are taken off, without tax. If that's $50 or more, standard shipping is free.",
                    "After your discount and before tax: that's the total that has to reach $50.",
                    "Discounts come off first, and tax isn't included. Your order qualifies when what's left is at least $50.",
                    "The free-shipping threshold uses your order total after discounts, not counting tax, so it needs to be $50 or more then.",
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
            "Do you offer rush shipping?",
            "I need this by the weekend, is there a faster option?",
            "can I pay extra for faster delivery",
        ],
        [
            "Express shipping in the US takes 1–2 business days and costs $12.95. It isn't available for Canada, PO boxes or APO/FPO addresses.",
            "Our fastest option is express: 1–2 business days for $12.95. PO boxes and APO/FPO addresses get standard shipping instead.",
            "Yes, express shipping arrives in 1–2 business days and costs $12.95 within the United States.",
            "Choose express at checkout: it costs $12.95 and delivers in 1–2 business days in the US. It can't go to Canada, PO boxes or APO/FPO addresses.",
            "The quickest we offer is express, $12.95 for delivery in 1–2 business days. PO boxes and APO/FPO addresses can only get standard shipping.",
            "Express gets to you in 1–2 business days within the United States, for $12.95. It isn't offered for Canadian orders.",
        ],
        [
            _f(
                ["If I order today, when does it ship?", "when would it leave the warehouse?", "how soon does it go out?"],
                [
                    "Orders placed before 2 pm Eastern on a business day ship the same day; later orders ship the next business day.",
                    "If you order before 2 pm Eastern on a business day, it ships the same day.",
                    "It leaves our warehouse the same day if you order by 2 pm Eastern on a business day. After that, it goes out the next business day.",
                    "Our same-day cut-off is 2 pm Eastern on business days. Miss it and your order ships the next business day.",
                    "Same day, as long as you order before 2 pm Eastern on a business day. Express orders follow the same cut-off.",
                    "Anything ordered on a business day before 2 pm Eastern is shipped that day; orders after 2 pm go out the next business day.",
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
            "Do you ship on weekends?",
            "what time do I need to order by to get it shipped today",
            "I placed an order at 5pm, will it ship tonight?",
            "How long before my order is sent out?",
        ],
        [
            "Orders placed before 2 pm Eastern on a business day ship the same day. Orders placed later, or on a weekend or public holiday, ship on the next business day.",
            "If you order before 2 pm Eastern on a business day, we ship it the same day; otherwise it ships the next business day.",
            "Our cut-off is 2 pm Eastern on business days: orders before it ship the same day, later ones the next business day.",
            "We send orders out the same day when they come in before 2 pm Eastern on a business day. Weekend and holiday orders, and later ones, leave on the next business day.",
            "Get your order in before 2 pm Eastern on a business day and it ships that day. After the cut-off, or on weekends and public holidays, it waits for the following business day.",
            "Same-day shipping applies to orders placed before 2 pm Eastern, Monday to Friday except public holidays. Everything else goes out on the next business day.",
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
            "How fast is standard delivery?",
            "what's the delivery time for regular shipping",
            "When can I expect my order?",
            "how many business days does shipping take",
        ],
        [
            "Standard shipping takes 3–5 business days from the day your order ships, and express takes 1–2 business days.",
            "In the US, standard delivery takes 3–5 business days after your order ships. Express is quicker at 1–2 business days.",
            "Standard orders usually arrive 3–5 business days after they ship. You'll get a tracking link in your shipping email.",
            "Count on 3–5 business days with standard shipping, starting when the parcel leaves us. With express it's 1–2 business days.",
            "Once your order has shipped, standard delivery needs 3–5 business days; express orders arrive within 1–2 business days.",
            "US standard parcels usually reach you 3–5 business days after shipping. If you chose express, expect 1–2 business days.",
        ],
        [
            _f(
                ["Do weekends count?", "are those calendar days?", "does Saturday count as a business day?"],
                [
                    "No, business days are Monday to Friday, except US public holidays.",
                    "They're business days: Monday to Friday, not counting US public holidays.",
                    "Weekends don't count. We only count Monday to Friday, and US public holidays are left out too.",
                    "No, only business days count, which means Monday to Friday without US public holidays.",
                    "Not calendar days: the count covers Monday to Friday and skips US public holidays.",
                    "Saturdays and Sundays aren't included. Delivery times are in business days, Monday to Friday, excluding US public holidays.",
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
            "Do you deliver to Calgary?",
            "will canada post charge me import fees",
            "I'm in Ottawa, what does shipping cost and how long is it?",
        ],
        [
            "Yes! Canadian orders ship with Canada Post for $9.95, duties included, and arrive in 7–10 business days.",
            "We ship to Canada with Canada Post: $9.95 with duties included, delivered in 7–10 business days. Express isn't available for Canada.",
            "Yes, shipping to Canada costs $9.95 and includes duties, so there's nothing extra to pay at the door. It takes 7–10 business days.",
            "We do! Canada Post brings Canadian orders in 7–10 business days for a flat $9.95, and duties are already included.",
            "Orders to Canada cost $9.95 to ship, with duties covered in that price. Canada Post delivers them in 7–10 business days; express is US only.",
            "Absolutely, we deliver across Canada. It's $9.95 per order with duties included, and delivery with Canada Post takes 7–10 business days.",
        ],
        [
            _f(
                ["And returns from Canada?", "what if I need to send something back from Canada?", "are returns free from Canada too?"],
                [
                    "Canadian returns cost $7.95, which is deducted from your refund. Start your return at harborandpine.example/returns.",
                    "Returns from Canada cost $7.95, taken off your refund; you can start one at harborandpine.example/returns.",
                    "You can send items back within 30 days of delivery. The return label for Canada costs $7.95, which comes off your refund.",
                    "Returning from Canada isn't free: the $7.95 label fee is deducted from the refund. Begin at harborandpine.example/returns.",
                    "Yes, you can return from Canada within 30 days. We take $7.95 for the label out of your refund, so there's nothing to pay up front.",
                    "From Canada a return costs $7.95, subtracted from what we refund you. The return starts at harborandpine.example/returns.",
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
            "Which countries do you deliver to?",
            "can you send an order to France",
            "Do you ship to Ireland?",
            "I live in Japan, do you deliver there?",
        ],
        [
            "We ship to the United States and Canada only, so we can't deliver to other countries.",
            "Sorry, we only ship to the United States and Canada. We also can't ship to freight forwarders outside those two countries.",
            "At the moment we deliver only within the United States and Canada.",
            "Sorry, that's outside our delivery area: Harbor & Pine ships to addresses in the United States and Canada and nowhere else.",
            "Our deliveries are limited to the US and Canada, and we can't send parcels to freight forwarders in other countries either.",
            "I'm sorry, we can only deliver to the United States and Canada. Other countries aren't on our shipping list.",
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
            "Is it UPS or USPS?",
            "Who is the delivery company?",
            "do you use fedex",
            "Which postal service delivers to Canada?",
            "what shipping company do you work with",
        ],
        [
            "In the US we ship with UPS and USPS, and Canadian orders go with Canada Post. Your shipping email shows the carrier of your parcel.",
            "We use UPS and USPS in the United States and Canada Post for Canada. The carrier is picked per parcel and shown in your shipping email.",
            "US parcels travel with UPS or USPS, and Canada Post handles deliveries to Canada.",
            "It depends on where it's going: UPS or USPS within the United States, Canada Post for Canada. Your shipping email names the carrier.",
            "Our carriers are UPS and USPS for US addresses and Canada Post for Canadian ones. You'll see which one has your parcel in the shipping email.",
            "Canada Post delivers our Canadian orders, while US orders go with UPS or USPS, chosen for each parcel.",
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
            "Is there a tracking link for my order?",
            "where can I see my tracking number",
            "How do I follow my shipment?",
            "has my order {order} shipped yet",
        ],
        [
            "When your order ships, we email you the carrier and tracking number. You can also see the status in Account › Orders.",
            "You'll find the tracking number in your shipping email and in Account › Orders once the order has shipped.",
            "Your shipping email has the tracking link. If the order is still processing, it hasn't shipped yet; the status is in Account › Orders.",
            "As soon as the parcel is on its way, we send an email with the carrier's name and your tracking number. Account › Orders shows it too.",
            "Tracking starts when your order ships: the shipping email and Account › Orders both show the tracking number. Before that, the status is processing.",
            "Check Account › Orders for the current status. Once the order has left us, the tracking number is there and in the email we send when it ships.",
        ],
        [
            _f(
                ["I got two tracking numbers, why?", "why are there two parcels?", "my order came in separate boxes?"],
                [
                    "Larger orders sometimes leave our warehouse in more than one parcel. You pay shipping once and get a tracking number for each parcel.",
                    "Bigger orders can ship in several parcels, each with its own tracking number; shipping is charged only once.",
                    "Your order was split into more than one parcel, which happens with larger orders. Every parcel has its own tracking number, and you're only charged shipping once.",
                    "When an order is large, we sometimes send it in several parcels. Each one gets a tracking number, but shipping is paid just once per order.",
                    "That's normal for bigger orders: they can leave the warehouse in separate parcels with separate tracking numbers. Shipping is still charged once.",
                    "Some larger orders are packed into two or more parcels. You'll get a tracking number per parcel and pay shipping only one time.",
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
            "UPS says it was delivered but there's nothing at my door",
            "the tracking says delivered, where is it?",
            "My package shows as delivered this morning but I haven't received it",
            "marked as delivered, not received",
        ],
        [
            "Sorry about that! Please wait 48 hours, as parcels sometimes arrive a little later, and check with your neighbours. If it still hasn't turned up, contact our care team and we'll open a carrier claim and reship or refund.",
            "I'm sorry! Please give it 48 hours and ask your neighbours. If it's still missing after that, our care team will open a claim with the carrier and reship or refund your order.",
            "That's frustrating, I'm sorry. Carriers sometimes scan parcels as delivered a little early, so please wait 48 hours and check with your neighbours. Still nothing? Our care team will open a carrier claim and reship or refund.",
            "Sorry to hear it! First wait 48 hours and ask your neighbours, since most parcels turn up. If yours doesn't, get in touch with our care team: we file a claim with the carrier and send the order again or refund it.",
            "I'm sorry it hasn't reached you. Give it 48 hours after the delivered scan and check with neighbours. If it's still not there, contact our care team to start a carrier claim, and we'll reship or refund.",
            "Oh no, sorry! Please wait 48 hours and check around, including with your neighbours. After that, our care team can open a carrier claim and either reship your order or refund it.",
        ],
        [
            _f(
                ["It's been 3 days already", "I've waited two days and checked with neighbours", "still nothing after 48 hours"],
                [
                    "Thanks for checking. Please contact our care team at 1-800-555-0142 or support@harborandpine.example; they'll open a carrier claim and reship or refund.",
                    "Then it's time for our care team: call 1-800-555-0142 or email support@harborandpine.example, and they'll open a carrier claim and reship or refund.",
                    "Sorry it's still missing. Our care team can take it from here at 1-800-555-0142 or support@harborandpine.example: they'll start a claim with the carrier and send a replacement or your money back.",
                    "Thank you for waiting. Please phone 1-800-555-0142 or write to support@harborandpine.example, and our care team will file a carrier claim and send it again or refund you.",
                    "Then please get in touch (1-800-555-0142, support@harborandpine.example). The care team files a claim with the carrier and reships the order or refunds it.",
                    "In that case our care team will sort it out. Reach them at 1-800-555-0142 or support@harborandpine.example to open a carrier claim; you'll get the items again or a refund.",
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
            "I need to fix a typo in my delivery address",
            "can I redirect my order to my office",
            "Is it possible to edit the address on an order?",
            "my order {order} is going to my old address",
        ],
        [
            "While your order is processing, you can change the address in Account › Orders › Edit address. Once it has shipped we can't change it, but you can ask the carrier to redirect the parcel.",
            "Yes, as long as the order is still processing: go to Account › Orders › Edit address. After it ships, only the carrier can redirect it.",
            "You can edit the address in Account › Orders › Edit address while the order is processing. If it's already shipped, please contact the carrier to redirect it.",
            "If the status is still processing, open Account › Orders and choose Edit address. We can't change it after the order ships, though you can ask the carrier to redirect the parcel.",
            "Go to Account › Orders › Edit address, which works until the order ships. From then on the parcel is with the carrier, and a redirect has to be requested from them.",
            "Addresses can be changed while an order is processing, under Account › Orders › Edit address. Once shipped, we're no longer able to change it; ask the carrier about a redirect.",
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
            "How long do I have to cancel an order?",
            "i ordered by mistake, can I undo it",
            "Can I cancel an order I placed this morning?",
            "is cancelling free",
        ],
        [
            "You can cancel free of charge until your order ships, which is usually within 2 hours of ordering. Open Account › Orders and choose Cancel order.",
            "Orders can be cancelled at no cost until they ship, usually within 2 hours of ordering. If it has already shipped, you can return it within 30 days instead.",
            "As long as it hasn't shipped, cancelling is free: go to Account › Orders and choose Cancel order. Orders usually ship within 2 hours.",
            "Please be quick: orders usually ship within 2 hours, and until then you can cancel for free. Choose Cancel order in Account › Orders.",
            "There's no fee as long as the order hasn't shipped yet. Head to Account › Orders, pick the order and select Cancel order; most orders ship within 2 hours of being placed.",
            "Cancelling costs nothing before your order ships, which normally happens within 2 hours. You'll find Cancel order in Account › Orders while the status is processing.",
        ],
        [
            _f(
                ["It already shipped, now what?", "too late, it says shipped", "what if it has shipped already?"],
                [
                    "Then you can return it within 30 days of delivery, unworn and with tags attached. US returns are free at harborandpine.example/returns.",
                    "Once it's shipped, the easiest way is a return within 30 days of delivery; start it at harborandpine.example/returns.",
                    "A shipped order can't be cancelled, but you can send it back within 30 days of delivery. Start the return at harborandpine.example/returns.",
                    "At that point it's a return instead: you have 30 days from delivery, and returns from the US are free. Begin at harborandpine.example/returns.",
                    "Then cancelling isn't possible any more, but returning is. Within 30 days of delivery, start at harborandpine.example/returns with the items unworn and tagged.",
                    "In that case please return it once it arrives, within 30 days of delivery. US customers get a free label at harborandpine.example/returns.",
                ],
            ),
            _f(
                ["Can I add an item instead?", "can I change the size in the order?", "can I swap something in my order?"],
                [
                    "We can't add items or change sizes in a placed order. While it's processing you can cancel it free of charge and order again.",
                    "Placed orders can't be changed, but while it's processing you can cancel for free and place a new order.",
                    "Sorry, items and sizes can't be changed once the order is placed. If it's still processing, cancel it at no cost and order again with what you want.",
                    "We aren't able to edit the items of a placed order. The way around it is to cancel while it's processing, which is free, and then reorder.",
                    "An order can't be edited after you place it. While it's processing, cancelling is free, so you can cancel and buy the right items in a new order.",
                    "Changing items or sizes isn't possible in an existing order. Cancel it at no charge while the status is processing, then order again.",
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
            "what does shipped mean",
            "Why does my order say processing?",
            "What does the status of my order mean?",
            "What does 'cancelled' mean on my order?",
            "what's the difference between processing and shipped",
        ],
        [
            "Processing means your order is paid and being packed. Then it moves to shipped, with a carrier and tracking number, and finally delivered.",
            "Processing means we've got your payment and are packing your order; you'll get an email with tracking when it ships.",
            "Your order is paid and our warehouse is packing it. When it leaves, the status changes to shipped and you get a carrier and tracking number.",
            "An order goes from processing (paid, being packed) to shipped (with the carrier and a tracking number) to delivered. Cancelled and returned are the other two statuses.",
            "Processing is the first step: payment is done and the items are being packed. Shipped means the carrier has it and there's a tracking number.",
            "There are five statuses: processing, shipped, delivered, cancelled and returned. Processing means paid and being packed.",
        ],
    ),
    _t(
        "order_number",
        [
            "Where do I find my order number?",
            "what does an order number look like",
            "I can't find my order number",
            "what's my order number format?",
            "I lost my order number",
            "Where's the order number in the app?",
            "how many digits is the order number",
            "where is my order reference",
            "I deleted the confirmation email, how do I get my order number?",
            "What's an HP number?",
        ],
        [
            "Your order number is HP- followed by six digits. It's in your order confirmation email and in Account › Orders.",
            "Order numbers start with HP- and have six digits. You'll find yours in the confirmation email or under Account › Orders.",
            "Look in your order confirmation email or in Account › Orders on the website or in the app. The number starts with HP- and has six digits.",
            "It's the code that begins with HP- and then six digits. Check your confirmation email or Account › Orders, on the website or in the app.",
            "You can find it in Account › Orders or in the order confirmation email. If you still can't, our care team can look it up from your email address.",
            "Every order number starts with HP- and then has six digits. You'll see it in Account › Orders and in the email confirming your order.",
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
            "Can I send back shoes I tried on?",
            "how many days do I have for a return",
            "Do you accept returns?",
        ],
        [
            "You can return items within 30 days of delivery, unworn and unwashed with the tags attached. Start your return at harborandpine.example/returns.",
            "Returns are accepted within 30 days of delivery, as long as items are unworn, unwashed and still have their tags.",
            "You have 30 days from delivery to return items that are unworn and unwashed with tags attached. US returns come with a free prepaid label.",
            "Items can come back within 30 days of the delivery date if they haven't been worn or washed and the tags are still on. Returns start at harborandpine.example/returns.",
            "Our return window is 30 days from delivery. Please make sure the items are unworn and unwashed, with their tags still attached.",
            "Send it back within 30 days of delivery, in unworn, unwashed condition with the tags on, and we'll take it. From the US the return label is free.",
        ],
        [
            _f(
                ["Do I have to pay for the return?", "is the return label free?", "who pays return shipping?"],
                [
                    "Returns from the US are free with our prepaid label. Returns from Canada cost $7.95, deducted from your refund.",
                    "For US orders the prepaid return label is free; Canadian returns cost $7.95, taken off the refund.",
                    "Not from the US: the prepaid label is on us. Customers in Canada pay $7.95 for the label, which we deduct from the refund.",
                    "US returns cost you nothing thanks to our prepaid label. From Canada the label is $7.95, and we take it out of your refund.",
                    "In the United States the return label is free. Canadian returns have a $7.95 fee, deducted when we refund you.",
                    "The prepaid label is free for US orders. For Canadian orders, $7.95 comes off the refund to cover the return.",
                ],
            ),
            _f(["How long until I get my money?", "when will I be refunded?", "how long does the refund take?"], _REFUND_TIME),
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
            "How do I print a return label?",
            "what's the process to return an item",
            "where do I mail my return",
            "I want to send back a sweater, where do I start?",
            "Is there a returns portal?",
        ],
        [
            "Start your return at harborandpine.example/returns. US orders get a free prepaid label; Canadian returns cost $7.95, deducted from the refund.",
            "Go to harborandpine.example/returns to get your label and the right warehouse address. We're online only, so returns can't be made in a store.",
            "Every return begins at harborandpine.example/returns, where you get the label and the warehouse address. From the US the label is free.",
            "Head to harborandpine.example/returns and follow the steps. US orders receive a prepaid label at no cost; for Canada the label is $7.95, taken off your refund.",
            "Please start online at harborandpine.example/returns rather than posting it to us: that's where you get the right label and warehouse address.",
            "Returns are done online at harborandpine.example/returns. There are no stores to return to, since Harbor & Pine sells online only.",
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
            "Are there things I can't send back?",
            "my bikini doesn't fit, can I return it?",
            "Is final sale really final?",
            "Can lingerie be returned?",
        ],
        [
            "Final-sale items, underwear, swimwear without its hygiene liner and gift cards can't be returned. Everything else can be returned within 30 days of delivery.",
            "Items marked final sale can't be returned, and neither can underwear, gift cards or swimwear without the hygiene liner.",
            "Swimwear can be returned within 30 days only with its hygiene liner in place, unworn and with tags. Underwear, gift cards and final-sale items can't be returned.",
            "We can't take back anything marked final sale, underwear, gift cards, or swimwear whose hygiene liner has been removed. Other items have the usual 30 days from delivery.",
            "Four kinds of items are excluded from returns: final sale, underwear, gift cards, and swimwear without the hygiene liner.",
            "Sorry, final-sale items and gift cards are non-returnable, as are underwear and swimwear missing its hygiene liner. The rest can go back within 30 days of delivery.",
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
            "Can I swap a medium for a large?",
            "do you charge for exchanges",
            "I'd like a different colour of the sweater I bought",
            "How do I exchange an item?",
        ],
        [
            "Yes! Exchanges for a different size or colour are free, once per item. Start it at harborandpine.example/returns and choose exchange.",
            "Exchanges for another size or colour are free of charge, one exchange per item.",
            "You can exchange an item for a different size or colour for free; each item can be exchanged once.",
            "Of course: swapping for another size or colour costs nothing, and each item can be exchanged one time. Choose exchange at harborandpine.example/returns.",
            "A size or colour exchange is free. Please note it's one exchange per item.",
            "Sure, we exchange sizes and colours free of charge, limited to one exchange for each item.",
        ],
        [
            _f(
                ["Do your shoes run small?", "what size should I pick for shoes?", "should I size up in shoes?"],
                [
                    "Our shoes run half a size small, so we recommend ordering half a size up. Clothing runs true to size.",
                    "Yes, our shoes run half a size small; most customers order half a size up.",
                    "They do run a little small, by half a size. Ordering half a size up usually works best.",
                    "Yes: pick half a size up, because our shoes are half a size small. Our clothing fits true to size.",
                    "Our shoes come up half a size small, so go half a size above your usual size.",
                    "Half a size up is the way to go, since our shoes run half a size small.",
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
            "How many days for a refund?",
            "When does the money come back after a return?",
            "Do you refund to PayPal?",
            "how long until my refund shows up",
        ],
        _REFUND_TIME,
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
            "Someone bought me a bag from you, can I return it?",
            "How do gift returns work?",
            "I received a present that doesn't fit",
            "do I get money back for a returned gift",
        ],
        [
            "Yes! With the gift receipt or the order number, the refund is a store credit for you as a gift card. Without either, you get store credit at the lowest price of the last 90 days.",
            "You can return a gift with its gift receipt or order number and receive store credit. Without either, we still accept it, at the lowest price of the last 90 days.",
            "Gifts can be returned within 30 days of delivery. The refund is store credit for the recipient, and the person who sent it isn't notified.",
            "Of course. Bring the gift receipt or the order number and you'll get store credit on a Harbor & Pine gift card; with neither, the credit is based on the lowest price in the last 90 days.",
            "Gift returns are refunded as store credit to you, the recipient, on a gift card. If you have no gift receipt or order number, the credit is the item's lowest price of the last 90 days.",
            "Yes, you can return it yourself within 30 days of delivery, and the buyer won't be told. You'll receive store credit as a gift card rather than a refund to their card.",
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
            "The towel I got has a hole in it",
            "there's a hole in the sweater you sent",
            "I got someone else's order",
            "The duvet cover came torn",
            "you sent the wrong size, I ordered a medium",
        ],
        [
            "I'm sorry about that! Please report it within 14 days of delivery with a photo, and we'll send a replacement or a refund. For items under $25 you don't need to send anything back.",
            "Sorry it arrived like that. Send our care team a photo within 14 days of delivery and choose a replacement or a refund; items under $25 don't need to be returned.",
            "I'm so sorry! Let our care team know within 14 days of delivery and include a photo. You can pick a replacement or a refund, and anything under $25 stays with you.",
            "That shouldn't happen, sorry. Report it with a photo within 14 days of delivery and we'll replace or refund it. There's no need to return items under $25.",
            "Sorry about this! Take a photo and contact our care team within 14 days of delivery; we'll send a replacement or refund you, and items below $25 don't have to come back.",
            "Apologies for the trouble. Within 14 days of delivery, send us a photo of the item, and it will be replaced or refunded. Anything that cost less than $25 can stay with you.",
        ],
        [
            _f(
                ["It cost $60, do I send it back?", "what if the item is more expensive?", "do I need to return it?"],
                [
                    "For items of $25 or more we email you a free prepaid return label. The replacement ships when the carrier scans the parcel.",
                    "Yes, items of $25 or more come back with a free prepaid label we email you.",
                    "For anything that cost $25 or more, we email you a prepaid label at no charge so you can send it back.",
                    "Items of $25 and up do need to come back, but the label is prepaid and free; we email it to you.",
                    "Yes, for $25 or more please return it with the free prepaid label we'll email. Your replacement ships as soon as the carrier scans the parcel.",
                    "When the item is $25 or more, we send a free prepaid return label by email, and the replacement goes out once your parcel has its first carrier scan.",
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
            "It costs less now than when I ordered, can you refund the difference?",
            "Do you refund if the price goes down?",
            "the dress I bought last week is now on sale",
            "What is your price adjustment policy?",
            "can I get money back if something I bought gets discounted",
            "price went down after my purchase",
        ],
        [
            "Yes: if an item's price drops within 14 days of purchase, we refund the difference once, on request. Just contact our care team with your order number.",
            "If the price drops within 14 days of your purchase, ask us and we'll refund the difference once.",
            "Good news: when the price of something you bought falls within 14 days of purchase, we refund the difference one time if you ask.",
            "We offer a one-time price adjustment when the price goes down within 14 days of your purchase; just ask and we'll refund the difference.",
            "You can get the difference back once, on request, if the price falls within 14 days of your purchase. Our care team will need your order number.",
            "If it was reduced within 14 days of when you bought it, contact our care team and the difference is refunded. This can be done once.",
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
            "how can I change my password if I forgot it",
            "I can't remember my login password",
            "Where is the forgot password button?",
            "reset password please",
        ],
        [
            "Choose \"Forgot password?\" on the sign-in page and follow the link in the email. The link is valid for 30 minutes, so request a new one if it has expired.",
            "Use \"Forgot password?\" on the sign-in page; we'll email you a reset link that works for 30 minutes.",
            "On the sign-in page, select \"Forgot password?\" and we'll send you an email with a reset link. It expires after 30 minutes.",
            "No worries! Tap \"Forgot password?\" when signing in, then open the link we email you within 30 minutes.",
            "You can reset it yourself with \"Forgot password?\" on the sign-in page. The email link stays valid for 30 minutes; if it runs out, just ask for a new one.",
            "Start with \"Forgot password?\" on the sign-in page. We email a link to set a new password, and it can be used for 30 minutes.",
        ],
        [
            _f(
                ["It says my account is locked", "why is my account locked?", "how long is the lock?"],
                [
                    "After 5 failed sign-in attempts the account is locked for 15 minutes. Wait, or reset your password with \"Forgot password?\".",
                    "Accounts lock for 15 minutes after 5 failed attempts. You can wait or reset your password in the meantime.",
                    "That happens after 5 failed sign-in attempts, and the lock lasts 15 minutes. A password reset is possible in the meantime too.",
                    "Five failed sign-in attempts lock the account for 15 minutes. After that you can try again, or use \"Forgot password?\" now.",
                    "For your security we lock an account for 15 minutes after 5 failed sign-ins. Please wait, or choose \"Forgot password?\" to set a new one.",
                    "The lock lasts 15 minutes and kicks in after 5 failed attempts to sign in. Resetting your password is an option while you wait.",
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
            "how do I edit my saved addresses",
            "Where are my account settings?",
            "can I turn off the newsletter",
            "I need to update my email",
            "how do I add a new address to my account",
        ],
        [
            "You can change your email, address book and newsletter settings in Account › Settings.",
            "Head to Account › Settings: that's where your email address, address book and newsletter preferences live.",
            "All of that is in Account › Settings, including your email address, saved addresses and newsletter choices.",
            "Go to Account › Settings to update your email, manage the address book or switch the newsletter on or off.",
            "Account › Settings is the place for it: email address, address book and newsletter can all be changed there.",
            "Open Account › Settings. From there you can edit your email, your address book and whether you get the newsletter.",
        ],
    ),
    _t(
        "delete_account",
        [
            "Please delete my account",
            "How do I close my account?",
            "I want you to remove all my data",
            "can I delete my account myself",
            "How do I cancel my Harbor & Pine account?",
            "I'd like to close my account permanently",
            "Remove my account please",
            "what happens to my order history if I delete my account",
            "How can I get my account deleted?",
            "I don't want an account with you anymore",
        ],
        [
            "Our care team can delete your account on request. Your order history is kept for 7 years because tax law requires it.",
            "Just ask our care team and they'll delete your account. Order history is kept for 7 years for tax law, and unredeemed Pine Points are lost.",
            "Account deletion is done by our care team when you ask. Please note that tax law requires us to keep your order history for 7 years.",
            "Get in touch with our care team and they'll delete it for you. We still keep the order history for 7 years, as tax law requires.",
            "Deletion goes through our care team: just ask them. Order history stays on file for 7 years because of tax law.",
            "Our care team handles account deletion, so send them your request. For tax reasons, order history remains stored for 7 years.",
        ],
    ),
    _t(
        "two_factor",
        [
            "Do you have two-factor authentication?",
            "how do I turn on 2FA",
            "Can I make my account more secure?",
            "where do I enable two step verification",
            "Is 2FA available?",
            "How can I protect my account?",
            "can I add a second login step",
            "Where is the security setting for two-factor?",
            "How do I set up two-factor on my account?",
            "i want extra security on my login",
        ],
        [
            "Yes, you can enable two-factor authentication in Account › Security.",
            "You can switch on two-factor authentication under Account › Security for extra protection.",
            "Two-factor authentication is available: turn it on in Account › Security.",
            "Head to Account › Security and enable two-factor authentication to add a second step when you sign in.",
            "For extra security, go to Account › Security, where you can turn on two-factor authentication.",
            "We support two-factor authentication. You'll find the switch in Account › Security.",
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
            "How can I pay?",
            "do you accept mastercard",
            "Can I pay with a gift card?",
            "which cards do you take",
            "Is PayPal an option at checkout?",
        ],
        [
            "We accept Visa, Mastercard, American Express, PayPal, Apple Pay and Harbor & Pine gift cards.",
            "You can pay by PayPal or Apple Pay, with a Visa, Mastercard or American Express card, or with a Harbor & Pine gift card.",
            "Checkout takes cards (Visa, Mastercard and American Express), PayPal, Apple Pay, and our own Harbor & Pine gift cards.",
            "Yes: PayPal, Apple Pay and Harbor & Pine gift cards all work, as do Visa, Mastercard and American Express.",
            "Our payment options are American Express, Visa and Mastercard, plus PayPal, Apple Pay and Harbor & Pine gift cards.",
            "Pay the way you like: Apple Pay, PayPal, a Harbor & Pine gift card, or a Visa, Mastercard or American Express card.",
        ],
    ),
    _t(
        "gift_cards",
        [
            "Do gift cards expire?",
            "How do I check my gift card balance?",
            "is there an expiry date on gift cards",
            "How much is left on my gift card?",
            "Does my gift card have an expiration date?",
            "where can I see my gift card balance",
            "Is there a fee on gift cards?",
            "My gift card is 3 years old, does it still work?",
            "how long are gift cards valid",
            "Can I check what's left on a gift card online?",
        ],
        [
            "Harbor & Pine gift cards never expire. You can check your balance at harborandpine.example/giftcard.",
            "Our gift cards never expire and have no fees; check the balance at harborandpine.example/giftcard.",
            "They don't expire, ever. The balance is shown at harborandpine.example/giftcard.",
            "There's no expiry date on our gift cards. To see how much is left, visit harborandpine.example/giftcard.",
            "Gift cards stay valid forever, with no fees. Check the remaining balance any time at harborandpine.example/giftcard.",
            "No need to worry about expiry: Harbor & Pine gift cards are valid indefinitely. harborandpine.example/giftcard shows your balance.",
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
            "Can I combine discount codes?",
            "I placed my order without the promo code",
            "can you add a voucher code to my order",
            "Can I stack two coupons?",
            "is it one promo code per order?",
        ],
        [
            "Only one promo code can be used per order, and codes can't be applied after checkout.",
            "You can use one promo code per order. Sorry, codes can't be added once checkout is complete.",
            "Each order takes a single promo code, and it has to be entered before you finish checkout.",
            "Sorry, codes can't be combined: it's one code per order. A code also can't be applied to an order that's already placed.",
            "One code per order is the rule, and a code has to go in before checkout is done; we can't apply it afterwards.",
            "Promo codes work one per order, and only during checkout. Once the order is placed, a code can no longer be used on it.",
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
            "Do you have a rewards program?",
            "How many points per dollar?",
            "when do Pine Points run out",
            "What can I do with my loyalty points?",
        ],
        [
            "With Pine Points you earn 1 point per $1 spent, and 100 points take $5 off. Points expire after 12 months without a purchase.",
            "You earn 1 Pine Point for every $1 you spend, and you can redeem 100 points for $5 off at checkout.",
            "Points expire after 12 months without a purchase, and any purchase keeps them valid for another 12 months. 100 points are worth $5 off.",
            "Pine Points is our loyalty programme: every $1 you spend earns 1 point, and each 100 points gives you $5 off.",
            "You collect 1 point per dollar spent and can swap 100 points for $5 off. They run out after 12 months without a purchase.",
            "Every $1 spent earns a Pine Point. Redeem 100 of them for $5 off, and shop at least once every 12 months so they don't expire.",
        ],
    ),
    _t(
        "student_discount",
        [
            "Do you have a student discount?",
            "I'm a student, any discount?",
            "how do I get the student discount",
            "Is there a discount for college students?",
            "How much is the student discount?",
            "Can students get money off?",
            "how do I verify as a student",
            "Do university students get a deal?",
            "student discount?",
            "Can I combine the student discount with a promo code?",
        ],
        [
            "Yes! Students get 10% off after verification in Account › Student discount. It counts as your one promo code per order.",
            "Students get a 10% discount once verified in Account › Student discount.",
            "We do: 10% off for students, once you've verified in Account › Student discount. It can't be combined with another promo code.",
            "Verify your student status in Account › Student discount and you'll get 10% off. It's treated as your one promo code for the order.",
            "Students save 10% after a quick verification under Account › Student discount.",
            "There's a 10% discount for students. Verify in Account › Student discount to use it; it takes the place of a promo code, since only one is allowed per order.",
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
            "Do you have a size chart?",
            "are your sizes true to size",
            "How does your sizing work?",
            "Should I order my usual size in jeans?",
            "what shoe size should I get",
        ],
        [
            "Our clothing runs true to size, and shoes run half a size small, so we recommend half a size up. Each product page has a size guide.",
            "Every product page has a size guide. Clothing runs true to size; for shoes, order half a size up.",
            "Clothes fit true to size, so pick your usual size. Shoes are half a size small, and each product page has its own size guide.",
            "You'll find a size guide on every product page. Our clothing is true to size, while our shoes run half a size small.",
            "For clothing, your normal size should fit, as it runs true to size. Shoes are the exception: go half a size up. Size guides are on each product page.",
            "Check the size guide on the product page. In general our clothes are true to size and our shoes come up half a size small.",
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
            "Can I dry clean cashmere?",
            "How do I wash your t-shirts?",
            "washing instructions for merino?",
            "is the cotton shirt machine washable",
            "How do I look after a wool coat?",
        ],
        [
            "Most cotton items can be machine washed cold. Wool and cashmere should be hand washed or dry cleaned.",
            "Please hand wash wool and cashmere, or have it dry cleaned. Most cotton pieces are fine in the machine on cold.",
            "Cotton is usually fine in a cold machine wash. For wool and cashmere, hand wash or dry clean instead.",
            "Wool and cashmere need a hand wash or dry cleaning, while most cotton can go in the washing machine on cold.",
            "Machine wash most cotton cold; keep wool and cashmere out of the machine and hand wash or dry clean them.",
            "Our general advice: cotton in a cold machine wash, wool and cashmere by hand or at the dry cleaner. Please check the care label too.",
        ],
    ),
    _t(
        "sustainability",
        [
            "Is your cotton organic?",
            "Is your packaging plastic-free?",
            "Are you a sustainable brand?",
            "what is your packaging made of",
            "How much of your cotton is organic?",
            "Do you use plastic in your parcels?",
            "Is your packaging recyclable?",
            "are your clothes eco friendly",
            "Do you use organic materials?",
            "what are you doing about sustainability",
        ],
        [
            "70% of the cotton we use is organic, and our packaging is recycled and plastic-free.",
            "Our packaging is recycled and plastic-free, and 70% of our cotton is organic. Product pages show when an item uses organic cotton.",
            "Most of our cotton, 70%, is organic, and every parcel ships in recycled packaging with no plastic.",
            "Every parcel ships in recycled, plastic-free packaging. On the materials side, 70% of our cotton is organic.",
            "Yes, that matters to us: 70% of our cotton is organic, and all our packaging is recycled and free of plastic.",
            "Our parcels use recycled packaging without plastic, and 70% of the cotton in our range is organic; product pages say when an item is made with it.",
        ],
    ),
    _t(
        "warranty",
        [
            "Is there a warranty on bags?",
            "My shoes fell apart after 4 months",
            "do shoes have a warranty",
            "The strap on my bag broke after half a year",
            "How long is the warranty?",
            "The sole of my boots came off",
            "Are your bags covered by a warranty?",
            "what does the warranty cover",
            "my bag's zip broke after 3 months",
            "Is there a warranty on your shoes?",
        ],
        [
            "Bags and shoes have a 1-year warranty against manufacturing defects, counted from delivery. Normal wear and tear isn't covered.",
            "I'm sorry to hear that! Bags and shoes are covered by a 1-year warranty against manufacturing defects; our care team can help you with a claim.",
            "Our bags and shoes come with a 1-year warranty covering manufacturing defects from the day of delivery. It doesn't cover normal wear and tear.",
            "Sorry about that! Shoes and bags are under warranty for 1 year against manufacturing defects, so please contact our care team about a claim.",
            "There's a 1-year warranty on bags and shoes for manufacturing defects, starting at delivery; everyday wear and tear is not included.",
            "If it's a manufacturing defect, our 1-year warranty on bags and shoes covers it. Our care team will help you make a claim.",
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
            "What are your support hours?",
            "Is customer care open on weekends?",
            "what time do you open in the morning",
            "Are you open on public holidays?",
            "until when can I reach an agent today",
        ],
        [
            "Our care team is available Monday to Friday 8 am – 8 pm Eastern and Saturday 9 am – 5 pm Eastern. We're closed on Sundays and US public holidays.",
            "You can reach a person Monday to Friday from 8 am to 8 pm Eastern and on Saturday from 9 am to 5 pm Eastern; we're closed on Sunday.",
            "Care hours are 8 am – 8 pm Eastern on weekdays and 9 am – 5 pm Eastern on Saturdays. Sundays and US public holidays we're closed.",
            "A live person is available from 8 in the morning to 8 in the evening Eastern, Monday to Friday, and 9 to 5 Eastern on Saturday. We don't open on Sundays or US public holidays.",
            "Our team answers from 8 am until 8 pm Eastern on weekdays and from 9 am until 5 pm Eastern on Saturdays; it's closed Sundays and on US public holidays.",
            "Saturday hours are 9 am – 5 pm Eastern, and Monday to Friday we're here 8 am – 8 pm Eastern. Outside those times, including Sundays, requests are answered the next business morning.",
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
            "Is there a number I can call?",
            "How do I reach customer care?",
            "can I call you",
            "What's the email address for support?",
            "How do I get in touch with someone?",
        ],
        [
            "You can call us at 1-800-555-0142 or email support@harborandpine.example. Our care team is available Monday to Friday 8 am – 8 pm Eastern and Saturday 9 am – 5 pm Eastern.",
            "Our care team is at 1-800-555-0142 and support@harborandpine.example. During care hours a live agent can also join this chat.",
            "Call 1-800-555-0142 or write to support@harborandpine.example, and our care team will help.",
            "Our phone number is 1-800-555-0142 and our email is support@harborandpine.example. You can also ask for a person here in the chat during care hours.",
            "Email support@harborandpine.example or phone 1-800-555-0142 to reach our care team.",
            "You're welcome to email support@harborandpine.example at any time, or to call 1-800-555-0142 during care hours.",
        ],
    ),
    _t(
        "stores",
        [
            "Do you have a physical store?",
            "Where is your nearest shop?",
            "can I pick up my order in store",
            "Can I try things on somewhere?",
            "Do you have a shop in New York?",
            "Is there a showroom?",
            "do you have any retail locations",
            "Can I collect my order instead of delivery?",
            "Where can I see your products in person?",
            "is there click and collect",
        ],
        [
            "Harbor & Pine is online only, so there are no stores or in-store pickup. You can shop on harborandpine.example and in our iOS and Android apps.",
            "We're an online-only shop with no physical stores, but US returns are free within 30 days and exchanges are free too.",
            "We don't have physical stores: everything is sold on harborandpine.example and in our iOS and Android apps, and orders are always delivered.",
            "Sorry, there are no shops or showrooms, as we sell online only. Free US returns within 30 days and free exchanges make trying things at home easy.",
            "Harbor & Pine only sells online, so there's no store to visit or collect from. Our website and apps have the full range.",
            "We're online only, without stores or in-store pickup; every order is delivered to you. Shop on the website or in the iOS and Android apps.",
        ],
    ),
    _t(
        "app",
        [
            "Do you have an app?",
            "Is there an Android app?",
            "can I shop on my iPhone",
            "Is there an iOS app?",
            "Where can I download your app?",
            "do you have a mobile app",
            "Can I order from my phone?",
            "app for android phones?",
            "Can I use the app to shop?",
            "Do you have an app for iPhone?",
        ],
        [
            "Yes, we have apps for iOS and Android, and you can also shop on harborandpine.example.",
            "You can shop in our iOS and Android apps or on harborandpine.example.",
            "We do! Our app is available for iOS and Android, alongside the website harborandpine.example.",
            "There's a Harbor & Pine app for both iOS and Android; the website harborandpine.example works too.",
            "Yes, there are iOS and Android apps, and the full shop is on harborandpine.example as well.",
            "You can get our app on iOS or Android, or simply shop on harborandpine.example.",
        ],
    ),
)

OPENERS: tuple[str, ...] = (
    "", "", "", "", "Hi, ", "Hello, ", "Hey, ", "Hi there! ", "Good morning. ", "Quick question: ",
    "Hello Pip, ", "hi ", "Hi, I have a question. ", "Hi Pip! ", "Hello again, ", "Sorry to bother you, ",
)

INTRO_WITH_NAME: tuple[str, ...] = (
    "Hi, this is {name}. ",
    "Hello, my name is {name}. ",
    "Hi! {name} here. ",
    "Hey, it's {name}. ",
)

THANKS: tuple[str, ...] = (
    "Thanks!", "Great, thank you", "Perfect, that helps.", "ok thanks", "Thank you so much!",
    "Got it, thanks", "Awesome, thanks Pip", "That's all, thanks.", "cheers", "Thanks a lot for your help",
    "ok great", "Brilliant, thank you!",
)

# One pair per family (see the module docstring).
THANKS_REPLIES: tuple[tuple[str, ...], ...] = (
    ("You're welcome! Is there anything else I can help you with?", "Happy to help! Have a lovely day."),
    ("Glad I could help. Enjoy your day!", "You're welcome! Just message me if anything else comes up."),
    ("Anytime! Let me know if you need anything else.", "My pleasure. Take care!"),
    ("You're very welcome. Have a great day!", "Glad that helped! I'm here if you have more questions."),
    ("Thanks for reaching out, and have a good one!", "Any time, happy shopping!"),
    ("It was a pleasure helping you. Goodbye for now!", "Great, glad it's sorted. Come back whenever you like!"),
)

GREETINGS: tuple[str, ...] = ("Hi", "Hello", "hey", "Hi Pip", "Good afternoon", "hello there", "Hi, anyone there?")

GREETING_REPLIES: tuple[tuple[str, ...], ...] = (
    ("Hi, I'm Pip from Harbor & Pine! How can I help you today?", "Hello! Pip here. What's your question?"),
    ("Hello! I'm Pip. What can I help you with?", "Hi! Nice to hear from you. How can I help?"),
    ("Hi there! How can I help?", "Hey! I'm Pip, Harbor & Pine's assistant. What can I do for you?"),
    ("Hey, Pip here from Harbor & Pine. What would you like to know?", "Hi and welcome! What can I help with today?"),
    ("Hello and welcome to Harbor & Pine! What brings you here today?", "Hi! Pip at your service. What do you need?"),
    ("Hi! This is Pip, the Harbor & Pine assistant. What do you need help with?", "Hello there! Tell me what you're looking for and I'll help."),
)

FIRST_NAMES: tuple[str, ...] = (
    "Maria", "James", "Aisha", "Tom", "Olivia", "Daniel", "Priya", "Lucas", "Emma", "Noah",
    "Grace", "Ethan", "Chloe", "Omar", "Hannah", "Leo",
)


def all_replies() -> list[tuple[int, str, str]]:
    """Every agent reply as (family, where, text): topics, follow-ups, greetings, thanks."""
    replies: list[tuple[int, str, str]] = []
    for topic in TOPICS:
        replies += [(f, topic.id, text) for f, text in enumerate(topic.answers)]
        for k, follow in enumerate(topic.followups):
            replies += [(f, f"{topic.id}/followup{k}", text) for f, text in enumerate(follow.answers)]
    for f, pair in enumerate(GREETING_REPLIES):
        replies += [(f, "greeting", text) for text in pair]
    for f, pair in enumerate(THANKS_REPLIES):
        replies += [(f, "thanks", text) for text in pair]
    return replies
