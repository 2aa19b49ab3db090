# Shortcuts; each target is one documented command.
.PHONY: install demo test bench-gatys

install:
	pip install -e ".[test]"

demo:
	arbitrary-nst stylize --content arbitrary_nst/samples/brandenburg_gate.jpg \
	  --style arbitrary_nst/samples/starry_night.jpg --size 384 --steps 150 \
	  --output stylized.png

test:
	python -m pytest -q

bench-gatys:
	python experiments/benchmark_gatys.py
