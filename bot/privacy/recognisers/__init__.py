"""The rule recognisers, one module per family of personal data; each ``find_*`` returns :class:`~bot.privacy.detection.Detection` objects.

==========================  ======================================================================
module                      finds
==========================  ======================================================================
``emails``                  ``EMAIL``: addresses, also spelled out ("jane dot doe at gmail dot com")
``phones``                  ``PHONE``: ``phonenumbers`` plus national formats of ~60 countries
``payments``                ``CARD_NUMBER`` (Luhn) and ``IBAN`` (mod 97)
``identifiers``             ``ORDER_ID`` and ``ACCOUNT_ID``: order numbers, references, user names
``national_ids``            ``NATIONAL_ID``: US SSN (ranges), Canadian SIN (Luhn), UK NI number
                            (prefix/suffix rules), passports after a cue
``dates_of_birth``          ``DATE_OF_BIRTH``: a real date after a birth cue, in six languages
``addresses``               ``ADDRESS``: an anchor extended over its parts (patterns in
                            ``address_patterns``)
``persons``                 ``PERSON``: names by cue and lexicon (cues in ``name_cues``, look-ups
                            in ``name_scores``)
``vocabulary``              word sets the address and name recognisers share
==========================  ======================================================================

This ``__init__`` imports nothing, so each module can be imported (and tested) on its own.
"""
