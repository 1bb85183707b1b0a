# Parcours — point d'entrée unique. `make` affiche l'aide.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
export DJANGO_SETTINGS_MODULE ?= config.settings.dev

.DEFAULT_GOAL := help
.PHONY: help install run demo test test-fast lint bench check clean calculateur

help: ## Affiche cette aide
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python requirements.lock pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

install: $(VENV)/.installed ## Crée l'environnement Python et installe les dépendances verrouillées

run: install ## Prépare la base SQLite, crée le département de démonstration et lance l'application
	$(BIN)/python manage.py migrate --verbosity 0
	$(BIN)/python manage.py seed_demo
	@echo ""
	@echo "  Parcours est lancé sur http://$(HOST):$(PORT)/  (Ctrl+C pour arrêter)"
	@echo ""
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# --ds: the DJANGO_SETTINGS_MODULE exported above (dev) would win over pyproject's test settings.
# One pytest-xdist worker per core (PYTEST_XDIST_AUTO_NUM_WORKERS=n to choose), each with its own test
# database; worksteal rebalances when a long test (browser walk, demo build) holds a worker.
test: install ## Lance toute la suite de tests en parallèle (SQLite ; PostgreSQL si CI=true), navigateur compris
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=config.settings.test > /dev/null
	$(BIN)/python -m pytest --ds=config.settings.test -n auto --dist worksteal

lint: install ## Vérifie le style (ruff) et le graphe des dépendances entre applications (import-linter)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

calculateur: install ## Reconstruit le calculateur de clés hors ligne et son empreinte dans docs/diagnostic.md
	$(BIN)/python manage.py build_offline_calculator

bench: install ## Lance les mesures de performance (bench/)
	@for f in bench/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

check: install ## Vérifications de déploiement avec les réglages de production
	DJANGO_SETTINGS_MODULE=config.settings.prod DJANGO_SECRET_KEY=x$$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=') \
	DJANGO_ALLOWED_HOSTS=parcours.example DATABASE_URL=sqlite:///var/check.sqlite3 \
	PARCOURS_FIELD_KEYS=$$($(BIN)/python -c 'from cryptography.fernet import Fernet;print(Fernet.generate_key().decode())') \
	PARCOURS_BLIND_INDEX_KEY=$$(head -c 32 /dev/urandom | base64) PARCOURS_PUBLIC_URL=https://parcours.example \
	PARCOURS_TRUSTED_PROXY_COUNT=1 \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

clean: ## Supprime la base de démonstration et les clés locales (var/)
	rm -rf var/ test-artefacts/
