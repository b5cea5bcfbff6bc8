# Switchboard. `make run` and `make test` are all a new machine needs.
SHELL := /bin/bash
.DEFAULT_GOAL := help

RASA_ENV := .venv/rasa
ML_ENV := .venv/ml
ML_PY := $(ML_ENV)/bin/python
RASA_PY := $(RASA_ENV)/bin/python
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export PYTHONPATH := $(CURDIR)

.PHONY: help envs run test eval-conversations eval-redteam lint-security audit train test-setup test-ml test-rasa-env test-conversations validate index eval-kb bench-knowledge-retrieval bench-knowledge-generation bench encoder eval-nlu bench-connectors bench-durability bench-privacy finetune

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | column -t -s $$'\t'

envs: ## create or update both Python environments (no-op when the lock files did not change)
	@scripts/ensure-env.sh rasa
	@scripts/ensure-env.sh ml

train: envs encoder ## train the Rasa model if config.yml, domain.yml or data/ changed
	@$(ML_PY) -m bot train

run: train index ## install what is missing, train what is missing, start the bot with a web chat
	@$(ML_PY) -m bot run

index: envs ## build the knowledge index (models/knowledge) if data/knowledge changed
	@$(ML_PY) -m bot index

.PHONY: report
report: envs encoder index ## the monitoring report: make report [SINCE=30d] [OUT=var/report.html] -> one HTML page and <OUT>-conversations.csv
	@$(ML_PY) -m bot report --since "$(or $(SINCE),30d)" --out "$(or $(OUT),var/report.html)"

eval-kb: envs ## evaluate retrieval: make eval-kb DOCS=<folder|CSV id,text[,title]> QA=<CSV question,doc_ids[,answer]> OUT=<file.json> [GENERATE=1 LIMIT=200]
	@if [ -z "$(DOCS)" ] || [ -z "$(QA)" ] || [ -z "$(OUT)" ]; then echo "make eval-kb: DOCS, QA and OUT are required: make eval-kb DOCS=<folder or CSV id,text[,title]> QA=<CSV question,doc_ids[,answer]> OUT=<file.json> [GENERATE=1 LIMIT=200]" >&2; exit 2; fi
	@$(ML_PY) -m bot eval-kb --docs "$(DOCS)" --qa "$(QA)" --out "$(OUT)" $(if $(filter 1 yes true,$(GENERATE)),--generate --limit $(or $(LIMIT),200))

bench-knowledge-retrieval: envs ## retrieval latency at 1k and 100k passages -> benchmarks/results/knowledge.json
	@$(ML_PY) benchmarks/knowledge_retrieval.py

bench-knowledge-generation: train index ## tokens/s naive vs llama.cpp, answer latency via REST, abstention threshold -> benchmarks/results/knowledge.json
	@$(ML_PY) benchmarks/knowledge_generation.py --calibrate

bench-connectors: envs train ## Telegram + SMS webhooks, 200 conversations x 5 messages -> benchmarks/results/connectors.json
	@$(RASA_PY) benchmarks/connectors_load.py $(ARGS)

encoder: envs ## export the sentence encoders config.yml uses (and MiniLM, for the tests) to ONNX in models/onnx unless up to date
	@$(ML_PY) -m bot export-encoder

eval-conversations: envs encoder train index ## the frozen conversation set through real servers: make eval-conversations [SET=<JSONL>] [SPLIT=test|dev|all] [OUT=benchmarks/results/conversations.json]
	@$(ML_PY) -m bot eval-conversations $(if $(SET),--set "$(SET)") --split "$(or $(SPLIT),$(if $(SET),all,test))" $(if $(OUT),--out "$(OUT)")

eval-redteam: envs encoder train index ## the frozen red-team set through real servers: make eval-redteam [SET=<JSONL>] [OUT=benchmarks/results/redteam.json]
	@$(ML_PY) -m bot eval-redteam $(if $(SET),--set "$(SET)") $(if $(OUT),--out "$(OUT)")

eval-nlu: envs encoder ## train config.yml's NLU pipeline on TRAIN, evaluate on TEST: make eval-nlu TRAIN=<CSV text,label> TEST=<CSV text,label> OUT=<file.json>
	@if [ -z "$(TRAIN)" ] || [ -z "$(TEST)" ] || [ -z "$(OUT)" ]; then echo "make eval-nlu: TRAIN, TEST and OUT are required: make eval-nlu TRAIN=<CSV text,label> TEST=<CSV text,label> OUT=<file.json>" >&2; exit 2; fi
	@$(RASA_PY) -m bot eval-nlu --train "$(TRAIN)" --test "$(TEST)" --out "$(OUT)"

validate: envs ## check the Rasa training data for inconsistencies
	@$(RASA_ENV)/bin/rasa data validate --fail-on-warnings

test-setup: envs
	@scripts/ensure-chromium.sh

test-conversations: train ## Rasa conversation tests (tests/test_stories.yml)
	@$(ML_PY) -m bot train --test-stories tests/test_stories.yml

test-ml: test-setup train
	@$(ML_ENV)/bin/pytest tests --ignore=tests/rasa_env -q -p no:cacheprovider --durations=15

test-rasa-env: envs train
	@$(RASA_ENV)/bin/pytest tests/rasa_env -q -p no:cacheprovider --durations=15

lint-security: envs ## bandit, medium severity and above, on the product code (bot/, actions/, connectors/)
	@$(ML_ENV)/bin/bandit -r bot actions connectors -ll -q

audit: envs ## pip-audit of both lock files against the online vulnerability database (needs the internet; not in make test)
	@for lock in requirements/rasa.lock requirements/ml.lock; do echo "==> $$lock"; \
	  $(ML_ENV)/bin/pip-audit --strict --no-deps --disable-pip --progress-spinner off -r $$lock || exit 1; done

test: validate lint-security test-conversations test-ml test-rasa-env ## install what is missing and run every test

finetune: envs ## LoRA fine-tune the answer generator (configs/finetune.yml; ARGS="--set training.max_steps=10", "--resume")
	@$(ML_PY) -m bot finetune --config configs/finetune.yml $(ARGS)

bench-durability: envs train ## 1,000 Telegram + SMS messages, Rasa server killed (kill -9) twice -> benchmarks/results/durability.json
	@$(RASA_PY) benchmarks/durability.py $(ARGS)

bench-privacy: envs ## tracker store save + load of a 50-event conversation, plain vs encrypted -> benchmarks/results/privacy.json
	@$(RASA_PY) benchmarks/privacy.py $(ARGS)

bench: bench-knowledge-retrieval bench-knowledge-generation bench-connectors bench-durability bench-privacy ## every benchmark -> benchmarks/results/*.json
