# edgemoe: `make demo` (install if needed, run the main job on the default preset) and `make test`.
EDGEMOE := node bin/edgemoe.js
PRESET  ?= m3vit-t-cityscapes
DEMO    := hls-out/demo
# A photograph of the preset's input size (test/fixtures/images, public domain); IMAGE=… overrides it.
IMAGE_m3vit-t-cityscapes := test/fixtures/images/astronaut-256x128.png
IMAGE_m3vit-t-cityscapes-w8 := test/fixtures/images/astronaut-256x128.png
IMAGE_m3vit-s-pascal     := test/fixtures/images/coffee-512x512.png
IMAGE_m3vit-s-nyud       := test/fixtures/images/astronaut-640x480.png
IMAGE_tiny               := test/fixtures/m3vit-tiny-test/image.png
IMAGE   ?= $(IMAGE_$(PRESET))

.PHONY: demo test test-long install typecheck clean

node_modules/.package-lock.json: package.json package-lock.json
	npm ci

install: node_modules/.package-lock.json

demo: install
	@test -n "$(IMAGE)" || { echo "make demo: no demo image for PRESET=$(PRESET); give one with IMAGE=path/to/image.png"; exit 2; }
	$(EDGEMOE) validate --preset $(PRESET)
	$(EDGEMOE) gen --preset $(PRESET) --out $(DEMO)
	$(EDGEMOE) weights random --preset $(PRESET) --seed 1 --out $(DEMO)/weights.safetensors
	$(EDGEMOE) pack --design $(DEMO) --weights $(DEMO)/weights.safetensors --quiet
	$(EDGEMOE) csim --design $(DEMO) --weights $(DEMO)/weights.safetensors --task 0 --trace --cycles --out $(DEMO)/csim-out.npy $(IMAGE)
	$(EDGEMOE) csim --design $(DEMO) --weights $(DEMO)/weights.safetensors --task 1 --trace --cycles $(IMAGE) > /dev/null
	$(EDGEMOE) report $(DEMO) --html $(DEMO)/report.html

typecheck: install
	npx tsc -p tsconfig.json --noEmit

# Test files run in parallel, one worker per core (JOBS=1 for one at a time). The long tests (exhaustive and full-size
# variants, see test/README.md) run when EDGEMOE_LONG_TESTS=1 or CI=true; `make test-long` sets the former.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
test: install typecheck
	npx mocha --parallel --jobs $(JOBS) 'test/**/*.test.ts'

test-long:
	EDGEMOE_LONG_TESTS=1 $(MAKE) test

clean:
	rm -rf dist .cache

# Pass-through to a generated design's own Makefile: make design D=hls-out/<name> T=csim|hls|xo|xclbin [TARGET=hw_emu ...]
D ?=
T ?= csim
.PHONY: design
design:
	@test -n "$(D)" || { echo "usage: make design D=hls-out/<design> T=csim|hls|xo|xclbin|clean [TARGET=hw|hw_emu|sw_emu PLATFORM=...]"; exit 2; }
	$(MAKE) -C $(D) $(T)
