import { HttpClient, HttpClientRequest } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Layer, Stream } from "effect"
import { Authenticator, Download, Issue, Snippet } from "../src/index.js"
import * as Multipart from "../src/internal/multipart.js"
import { FakeBitbucket } from "../src/testing/index.js"
import { parseParts } from "../src/testing/internal/multipartParts.js"

const parse = async (parts: ReadonlyArray<Multipart.Part>) => {
  const { body, contentType } = Multipart.encode(parts)
  return { form: await new Response(new Uint8Array(body), { headers: { "content-type": contentType } }).formData(), body, contentType }
}

describe("multipart bodies", () => {
  it("keep text fields' line breaks as they are (FormData would send CRLF)", async () => {
    const { form } = await parse([{ name: "message", value: "line one\nline two\r\nthree\n" }])
    expect(form.get("message")).toBe("line one\nline two\r\nthree\n")
  })

  it("send files byte for byte, with their names, types and UTF-8 names", async () => {
    const bytes = new Uint8Array([0, 0xff, 0x0d, 0x0a, 0x2d, 0x2d, 0x80])
    const { form } = await parse([
      Multipart.file("/docs/logo ü.png", "logo ü.png", bytes),
      Multipart.file("file", "notes.md", "# Notes\n")
    ])
    const logo = form.get("/docs/logo ü.png") as File
    expect(logo.name).toBe("logo ü.png")
    expect(logo.type).toBe("application/octet-stream")
    expect(Array.from(new Uint8Array(await logo.arrayBuffer()))).toEqual(Array.from(bytes))
    const notes = form.get("file") as File
    expect(await notes.text()).toBe("# Notes\n")
    expect(notes.type).toBe("text/plain;charset=utf-8")
  })

  it("give a file's attributes as an x-attributes parameter of its Content-Disposition, and only when set", () => {
    const { body, contentType } = Multipart.encode([
      Multipart.file("/bin/run.sh", "run.sh", "#!/bin/sh\n", "executable"),
      Multipart.file("/README.txt", "README.txt", "README", "link"),
      Multipart.file("/plain.txt", "plain.txt", "x")
    ])
    const dispositions = new TextDecoder().decode(body).split("\r\n").filter((line) => line.startsWith("Content-Disposition"))
    expect(dispositions).toEqual([
      'Content-Disposition: form-data; name="/bin/run.sh"; filename="run.sh"; x-attributes="executable"',
      'Content-Disposition: form-data; name="/README.txt"; filename="README.txt"; x-attributes="link"',
      'Content-Disposition: form-data; name="/plain.txt"; filename="plain.txt"'
    ])
    // Node's FormData parser refuses parameters it does not know; the fake's reader, as Django,
    // reads each part whole.
    const parts = parseParts(contentType, body)
    expect(parts.map((part) => [part.name, part.filename, part.params.get("x-attributes"), new TextDecoder().decode(part.content)])).toEqual([
      ["/bin/run.sh", "run.sh", "executable", "#!/bin/sh\n"],
      ["/README.txt", "README.txt", "link", "README"],
      ["/plain.txt", "plain.txt", undefined, "x"]
    ])
  })

  it("are read by the fake as Django reads them: key=value parameters between semicolons, only \\\\ and \\\" unescaped", () => {
    const read = (...dispositions: ReadonlyArray<string>) => {
      const body = dispositions.map((d) => `--XYZ\r\nContent-Disposition: ${d}\r\n\r\nhello\r\n`).join("") + "--XYZ--\r\n"
      return parseParts('multipart/form-data; boundary="XYZ"', new TextEncoder().encode(body)).map((part) => [part.name, part.filename])
    }
    // A piece without `=` is no parameter: without a name, the part is skipped.
    expect(read('form-data; name:"/x.txt"; filename:"x.txt"')).toEqual([])
    expect(read('form-data; name="/x"; filename="x"; x-attributes:"executable"')).toEqual([["/x", "x"]])
    expect(parseParts("multipart/form-data; boundary=XYZ", new TextEncoder().encode(
      '--XYZ\r\nContent-Disposition: form-data; name="/x"; filename="x"; x-attributes:"executable"\r\n\r\nhello\r\n--XYZ--\r\n'
    ))[0]!.params.has("x-attributes")).toBe(false)
    // Only \\ and \" are escapes; a browser's %22 is kept as it is.
    expect(read('form-data; name="/a\\b"; filename="a"', 'form-data; name="/a\\\\b\\"c"', 'form-data; name="/a%22b"')).toEqual([
      ["/a\\b", "a"],
      ['/a\\b"c', undefined],
      ["/a%22b", undefined]
    ])
    // Without a `;` the rest is part of the value; a `;` inside quotes separates nothing.
    expect(read('form-data; name="/x"filename="y"', 'form-data; name="/z"; filename="a; x-attributes=link"')).toEqual([
      ['/x"filename="y', undefined],
      ["/z", "a; x-attributes=link"]
    ])
    // An empty file name makes a text field; RFC 2231 names are decoded; names lose surrounding spaces.
    expect(read('form-data; name="f"; filename=""', "form-data; name=f; filename*=UTF-8''%C3%BC%20x.txt", 'form-data; name=" g "')).toEqual([
      ["f", undefined],
      ["f", "ü x.txt"],
      ["g", undefined]
    ])
  })

  it("escape quotes and line breaks in names, so a name cannot forge another header or part", async () => {
    const { body } = await parse([{ name: "a\"b\r\nContent-Type: evil", value: "x" }])
    const text = new TextDecoder().decode(body)
    expect(text).toContain('name="a%22b%0D%0AContent-Type: evil"')
    expect(text.split("\r\n").filter((line) => line.startsWith("Content-Type"))).toEqual([])
  })

  it("use a boundary that occurs in no part, and a fresh one each time", () => {
    const a = Multipart.encode([{ name: "x", value: "--effect-bitbucket-" }])
    const b = Multipart.encode([{ name: "x", value: "y" }])
    expect(a.contentType).not.toBe(b.contentType)
    const boundary = a.contentType.split("boundary=")[1]!
    const text = new TextDecoder().decode(a.body)
    expect(text.split(`--${boundary}`)).toHaveLength(3)
  })
})

describe("the fake's routes that take multipart bodies", () => {
  const AsAlice = Authenticator.apiToken({ email: "alice@example.com", token: "alice-api-token" }).pipe(
    Layer.provideMerge(FakeBitbucket.layer())
  )
  const ALICE = `Basic ${Buffer.from("alice@example.com:alice-api-token").toString("base64")}`
  /** POSTs hand-written parts, as a browser could send them. */
  const post = (path: string, parts: ReadonlyArray<string>) =>
    Effect.gen(function*() {
      const body = `${parts.map((part) => `--XYZ\r\n${part}\r\n`).join("")}--XYZ--\r\n`
      const request = HttpClientRequest.post(`https://api.bitbucket.org/2.0${path}`).pipe(
        HttpClientRequest.setHeader("authorization", ALICE),
        HttpClientRequest.bodyUint8Array(new TextEncoder().encode(body), "multipart/form-data; boundary=XYZ")
      )
      return yield* (yield* HttpClient.HttpClient).execute(request)
    })
  const collect = <A, E, R>(stream: Stream.Stream<A, E, R>) => Effect.map(Stream.runCollect(stream), Chunk.toReadonlyArray)

  it.effect("read file names as Django does (a browser's %22 kept) and keep parts with parameters they do not know", () =>
    Effect.gen(function*() {
      // A browser sends a file named `say "hi".txt` with its quotes as %22.
      const file = (field: string) => `Content-Disposition: form-data; name="${field}"; filename="say %22hi%22.txt"; x-note="kept"\r\n\r\nhi`
      const api = { workspace: "acme", repo_slug: "api" }
      expect((yield* post("/repositories/acme/api/downloads", [file("files")])).status).toBe(201)
      expect((yield* collect(Download.findForRepository(api))).map((d) => d.name)).toContain("say %22hi%22.txt")

      const snippet = yield* post("/snippets/demo", ['Content-Disposition: form-data; name="title"\r\n\r\nQuoted', file("file")])
      expect(snippet.status).toBe(201)
      const created = (yield* snippet.json) as { readonly links: { readonly self: { readonly href: string } } }
      const encoded_id = created.links.self.href.split("/").pop()!
      expect(Snippet.filenames(yield* Snippet.find({ workspace: "demo", encoded_id }))).toEqual(["say %22hi%22.txt"])

      const playground = { workspace: "demo", repo_slug: "effect-playground" }
      const issue = yield* Issue.create(playground, { title: "Quoted attachment" })
      expect((yield* post(`/repositories/demo/effect-playground/issues/${issue.id}/attachments`, [file("files")])).status).toBe(201)
      expect((yield* collect(Issue.findAttachments({ ...playground, issue_id: issue.id! }))).map((a) => a.name)).toEqual(["say %22hi%22.txt"])
    }).pipe(Effect.provide(AsAlice)))
})
