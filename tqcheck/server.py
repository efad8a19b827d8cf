"""`tqcheck server`: the Language Server Protocol over stdio (pygls), for VS Code, Neovim and others.

Findings become diagnostics (code = rule, severity from the --fail-on gate: error at or above it,
warning for major below it, information for minor), published on open, change and save; a
diagnostic's suggestions become quick fixes (safe ones preferred). The model, when wanted, is
loaded once when the server starts and kept for every check.
Needs the `server` extra: pip install 'tqcheck[server]'.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tqcheck.errors import TqcheckError
from tqcheck.findings import Applicability, Finding, Severity

if TYPE_CHECKING:
    from tqcheck.lm import Scorer

FORMATS = {"markdown": "md", "html": "html"}  # languageId → how to read it; anything else is text
SUFFIXES = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html"}


def _format(uri: str, language_id: str | None) -> str:
    if language_id in FORMATS:
        return FORMATS[language_id]
    for suffix, name in SUFFIXES.items():
        if uri.lower().endswith(suffix):
            return name
    return "txt"


def create_server(
    lang: str | None = None,
    model: Scorer | None = None,
    select: tuple[str, ...] | None = None,
    fail_on: str = "major",
) -> Any:
    """A pygls LanguageServer that checks documents with `tqcheck.check` (rules only unless `model`)."""
    from lsprotocol import types
    from pygls.lsp.server import LanguageServer

    from tqcheck import __version__, api

    server = LanguageServer("tqcheck", __version__)
    language_ids: dict[str, str | None] = {}
    findings_by_uri: dict[str, list[Finding]] = {}

    def position(text: str, offset: int) -> types.Position:
        # LSP columns count UTF-16 code units by default.
        line_start = text.rfind("\n", 0, offset) + 1
        column = len(text[line_start:offset].encode("utf-16-le")) // 2
        return types.Position(line=text.count("\n", 0, offset), character=column)

    def span(text: str, start: int, end: int) -> types.Range:
        return types.Range(start=position(text, start), end=position(text, end))

    def severity(finding: Finding) -> types.DiagnosticSeverity:
        if fail_on != "never" and finding.severity.rank >= Severity(fail_on).rank:
            return types.DiagnosticSeverity.Error
        if finding.severity == Severity.MINOR:
            return types.DiagnosticSeverity.Information
        return types.DiagnosticSeverity.Warning

    def validate(uri: str) -> None:
        document = server.workspace.get_text_document(uri)
        text = document.source
        try:
            result = api.check(
                text,
                lang=lang,
                model=model if model is not None else False,
                select=select,
                format=_format(uri, language_ids.get(uri)),  # type: ignore[arg-type]
                path=uri,
            )
            findings = list(result.findings)
        except TqcheckError as error:  # e.g. an unknown rule in a suppression comment
            server.window_show_message(types.ShowMessageParams(types.MessageType.Error, f"tqcheck: {error}"))
            findings = []
        findings_by_uri[uri] = findings
        diagnostics = [
            types.Diagnostic(
                range=span(text, f.start, f.end),
                message=f.message,
                severity=severity(f),
                code=f.rule,
                code_description=types.CodeDescription(href=_help_uri(f.rule)),
                source="tqcheck",
                data={"index": i},
            )
            for i, f in enumerate(findings)
        ]
        server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=document.version)
        )

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: Any, params: types.DidOpenTextDocumentParams) -> None:
        language_ids[params.text_document.uri] = params.text_document.language_id
        validate(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: Any, params: types.DidChangeTextDocumentParams) -> None:
        validate(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: Any, params: types.DidSaveTextDocumentParams) -> None:
        validate(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: Any, params: types.DidCloseTextDocumentParams) -> None:
        findings_by_uri.pop(params.text_document.uri, None)
        server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[])
        )

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
    )
    def code_action(ls: Any, params: types.CodeActionParams) -> list[types.CodeAction]:
        uri = params.text_document.uri
        text = server.workspace.get_text_document(uri).source
        findings = findings_by_uri.get(uri, [])
        actions = []
        for diagnostic in params.context.diagnostics:
            data = diagnostic.data if isinstance(diagnostic.data, dict) else {}
            index = data.get("index")
            if not isinstance(index, int) or index >= len(findings):
                continue
            finding = findings[index]
            for rank, suggestion in enumerate(finding.suggestions):
                if suggestion.applicability == Applicability.DISPLAY_ONLY:
                    continue  # crosses markup: no edit can make it in place
                shown = f"“{suggestion.replacement}”" if suggestion.replacement else "delete"
                unsafe = suggestion.applicability == Applicability.UNSAFE
                edit = types.TextEdit(
                    range=span(text, suggestion.start, suggestion.end), new_text=suggestion.replacement
                )
                actions.append(
                    types.CodeAction(
                        title=f"{finding.rule}: {shown}" + (" (unsafe)" if unsafe else ""),
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[diagnostic],
                        is_preferred=rank == 0 and not unsafe,
                        edit=types.WorkspaceEdit(changes={uri: [edit]}),
                    )
                )
        return actions

    return server


def _help_uri(code: str) -> str:
    from tqcheck.render.sarif import DOCS_URL

    return f"{DOCS_URL}#{code.lower()}"


def serve(lang: str | None, model: Scorer | None, select: tuple[str, ...] | None, fail_on: str) -> None:
    create_server(lang, model, select, fail_on).start_io()
