"""The YAML rulebook: loading with line numbers, validation, compiling to matchers."""
from .compiled import CONCEPT_PREFIX, CompiledRulebook, compile_rulebook
from .loader import default_rules_dir, pack_files, read_rulebook
from .model import Example, Pack, Problem, Rule, Rulebook, RulebookError

__all__ = [
    "CONCEPT_PREFIX",
    "CompiledRulebook",
    "Example",
    "Pack",
    "Problem",
    "Rule",
    "Rulebook",
    "RulebookError",
    "compile_rulebook",
    "default_rules_dir",
    "pack_files",
    "read_rulebook",
]
