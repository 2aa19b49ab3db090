"""Typed YAML: dataclasses whose fields carry ranges and choices, read from YAML files
with ``--set section.key=value`` overrides, every problem one :class:`ConfigError` line
naming the file and the dotted key (an unknown key names the closest valid one, a wrong
type or a value out of range says what was expected).

The experiment configs of training (:mod:`arbitrary_nst.training.config`) and of the
experiment scripts (``configs/experiments/``) are such schemas. No TensorFlow.
"""

import dataclasses
import difflib
import typing

import yaml

from arbitrary_nst.errors import NSTError


class ConfigError(NSTError):
    """A config file or override that does not fit its schema."""


def setting(default, low=None, high=None, choices=None):
    """A dataclass field with a default and the range or choices :func:`load_yaml` checks."""
    return dataclasses.field(default=default,
                             metadata={"low": low, "high": high, "choices": choices})


def list_setting(default=()):
    """A field holding a list (of strings or integers), ``default`` copied for each use."""
    return dataclasses.field(default_factory=lambda: list(default), metadata={})


def dump(config):
    """The YAML text of a schema instance (:func:`load_yaml` reads it back equal)."""
    return yaml.safe_dump(dataclasses.asdict(config), sort_keys=False)


def load_yaml(path, schema, overrides=()):
    """Reads the YAML file ``path`` into the dataclass ``schema`` (fields made with
    :func:`setting` carry ranges and choices; nested dataclasses are sections), applies
    ``overrides`` ("a.b=value"), and returns the instance. Raises ConfigError."""
    try:
        with open(path, encoding="utf-8") as f:
            raw = yaml.safe_load(f)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except yaml.YAMLError as exc:
        reason = " ".join(str(exc).split())
        raise ConfigError(f"{path}: not valid YAML ({reason})") from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping of sections at the top level, "
                          f"got {type(raw).__name__}")
    config = _build(schema, raw, path, "")
    for override in overrides:
        _apply_override(config, override, path)
    return config


def _build(cls, raw, path, prefix):
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: {prefix.rstrip('.') or 'top level'}: expected a mapping, "
                          f"got {raw!r}")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    hints = typing.get_type_hints(cls)
    values = {}
    for key, value in raw.items():
        if key not in fields:
            raise ConfigError(f"{path}: unknown key {prefix}{_shown(key)}"
                              + _suggestion(key, fields))
        if dataclasses.is_dataclass(hints[key]):
            values[key] = _build(hints[key], value, path, f"{prefix}{key}.")
        else:
            values[key] = _check_value(fields[key], hints[key], value, path, prefix + key)
    return cls(**values)


def _shown(text):
    """``text`` as it reads in a one-line message: itself when it is non-empty printable
    text, else its ``repr`` (a key with a newline, a number, None)."""
    if isinstance(text, str) and text and text.isprintable():
        return text
    return repr(text)


def _suggestion(key, valid):
    close = difflib.get_close_matches(str(key), list(valid), n=1, cutoff=0.5)
    if close:
        return f"; did you mean {close[0]!r}?"
    return "; valid keys: " + ", ".join(valid)


def _check_value(field, kind, value, path, dotted):
    expected = {int: "an integer", float: "a number", bool: "true or false", str: "a string"}
    if typing.get_origin(kind) is list and dataclasses.is_dataclass(typing.get_args(kind)[0]):
        if not isinstance(value, list):
            raise ConfigError(f"{path}: {dotted}={value!r}: expected a list of mappings")
        return [_build(typing.get_args(kind)[0], element, path, f"{dotted}[{index}].")
                for index, element in enumerate(value)]
    if typing.get_origin(kind) is list:
        item = typing.get_args(kind)[0]
        if item is float and isinstance(value, list):
            value = [float(v) if isinstance(v, int) and not isinstance(v, bool) else v
                     for v in value]
        if not isinstance(value, list) or not all(
                isinstance(v, item) and not isinstance(v, bool) for v in value):
            raise ConfigError(f"{path}: {dotted}={value!r}: expected a list of "
                              + {str: "strings", int: "integers", float: "numbers"}[item])
        return value
    if kind is float and isinstance(value, str):
        try:
            value = float(value)  # YAML reads 1e-4 (no dot) as a string
        except ValueError:
            pass
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ConfigError(f"{path}: {dotted}={value!r}: expected {expected[kind]}")
    meta = field.metadata
    if meta.get("choices") and value not in meta["choices"]:
        raise ConfigError(f"{path}: {dotted}={value!r}: expected one of "
                          + ", ".join(meta["choices"]))
    if meta.get("low") is not None and value < meta["low"]:
        raise ConfigError(f"{path}: {dotted}={value!r}: expected a value >= {meta['low']}")
    if meta.get("high") is not None and value > meta["high"]:
        raise ConfigError(f"{path}: {dotted}={value!r}: expected a value <= {meta['high']}")
    return value


def _apply_override(config, override, path):
    where = f"{path} --set {_shown(override)}"
    if "=" not in override:
        raise ConfigError(f"{where}: expected section.key=value")
    dotted, text = override.split("=", 1)
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        raise ConfigError(f"{where}: value {text!r} is not valid YAML") from None
    *sections, key = dotted.strip().split(".")
    target, prefix = config, ""
    for section in sections:
        names = [f.name for f in dataclasses.fields(target)]
        child = getattr(target, section, None) if section in names else None
        if not dataclasses.is_dataclass(child):
            raise ConfigError(f"{where}: unknown section {prefix}{_shown(section)}"
                              + _suggestion(section, names))
        target, prefix = child, f"{prefix}{section}."
    fields = {f.name: f for f in dataclasses.fields(target)}
    if key not in fields or dataclasses.is_dataclass(getattr(target, key)):
        raise ConfigError(f"{where}: unknown key {prefix}{_shown(key)}"
                          + _suggestion(key, fields))
    hint = typing.get_type_hints(type(target))[key]
    setattr(target, key, _check_value(fields[key], hint, value, where, prefix + key))
