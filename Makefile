# Shortcuts; each target is one documented command.
.PHONY: install demo test bench-gatys bench-adain bench-speed bench-startup compare highres sizes

install:
	pip install -e ".[test]"

demo:
	arbitrary-nst stylize --content arbitrary_nst/samples/brandenburg_gate.jpg \
	  --style arbitrary_nst/samples/starry_night.jpg --output stylized.png

test:
	python -m pytest -q

bench-gatys:
	python experiments/benchmark_gatys.py

bench-adain:
	python experiments/benchmark_adain.py

bench-speed:
	python experiments/benchmark_speed.py

compare:
	python experiments/compare_methods.py

highres:
	python experiments/highres.py

sizes:
	python experiments/style_at_every_size.py

bench-startup:
	python experiments/benchmark_startup.py
