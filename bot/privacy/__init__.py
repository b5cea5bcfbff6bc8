"""Personal-data redaction: recognisers, a learned tagger, and the redactor that combines them.

Layout (each module imports only the ones above it in this list, never the other way round;
``tests/bot/privacy/test_layout.py`` checks it):

* :mod:`bot.privacy.detection`: :class:`~bot.privacy.detection.Detection` (one typed span),
  ``ENTITY_TYPES``, their priority and the placeholder pattern;
* :mod:`bot.privacy.regex`: shared regular-expression building blocks (word lists as tries);
* :mod:`bot.privacy.lexicon`: word lists (names, places, address words, cues) and the
  international name list;
* :mod:`bot.privacy.recognisers`: one module per family of personal data (e-mails, phones,
  payment numbers, order and account ids, national ids, dates of birth, addresses, person names);
* :mod:`bot.privacy.tagger`: the learned CRF tagger of names, addresses and ids, its features and
  its training (the model ``tagger.crfsuite`` lives next to it);
* :mod:`bot.privacy.reconcile`: what to keep when recognisers and the tagger disagree;
* :mod:`bot.privacy.redactor`: the public API, :class:`~bot.privacy.redactor.Redactor`
  (``redact_text``, ``redact_conversation``), :class:`~bot.privacy.redactor.RedactionConfig`,
  :class:`~bot.privacy.redactor.RedactionReport`, :func:`~bot.privacy.redactor.redact_conversations`;
* :mod:`bot.privacy.evaluation`: precision and recall on labelled sentences
  (``python -m bot data eval-redaction``).

This ``__init__`` imports nothing: ``from bot.privacy.redactor import Redactor``. Standard library,
``phonenumbers`` and (for the tagger) ``python-crfsuite`` only; no pydantic, so it imports in
either environment. See docs/data-pipeline.md for how each type is found and measured.
"""
