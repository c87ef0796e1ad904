# edgemoe: `make demo` (install if needed, run the main job on the default preset) and `make test`.
EDGEMOE := node bin/edgemoe.js
PRESET  ?= m3vit-t-cityscapes
DEMO    := hls-out/demo
IMAGE   ?= ../shared/fixtures/images/astronaut-256x128.png

.PHONY: demo test install typecheck clean

node_modules/.package-lock.json: package.json package-lock.json
	npm ci

install: node_modules/.package-lock.json

demo: install
	@mkdir -p $(DEMO)
	$(EDGEMOE) validate --preset $(PRESET)
	$(EDGEMOE) weights random --preset $(PRESET) --seed 1 --out $(DEMO)/weights.safetensors
	$(EDGEMOE) reference --preset $(PRESET) --weights $(DEMO)/weights.safetensors --task 0 --out $(DEMO)/reference.npy $(IMAGE)

typecheck: install
	npx tsc -p tsconfig.json --noEmit

test: install typecheck
	npx mocha

clean:
	rm -rf dist .cache
