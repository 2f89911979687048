// A TCP proxy in front of a server that the test can pause and resume, the way SIGSTOP pauses a
// process: while paused, connections are accepted and bytes are held, but nothing is forwarded
// and nothing comes back. It can also go down (its port refuses connections, as when the process
// is killed) and come back on the same port, or hold only the answers (the server acts on each
// request, the client never hears back). It counts the connections open through it.
import net from "node:net";

export class PausableProxy {
  private paused = false;
  private answersHeld = false;
  private readonly held: Array<() => void> = [];
  private readonly sockets = new Set<net.Socket>();
  private server!: net.Server;
  port = 0;

  constructor(private readonly targetPort: number) {}

  async start(): Promise<this> {
    await this.listen(0);
    return this;
  }

  private async listen(port: number): Promise<void> {
    this.server = net.createServer((client) => {
      this.sockets.add(client);
      client.on("close", () => this.sockets.delete(client));
      client.on("error", () => undefined);
      client.pause();
      const connect = () => {
        const upstream = net.connect(this.targetPort, "127.0.0.1");
        upstream.on("error", () => client.destroy());
        client.on("error", () => upstream.destroy());
        client.on("close", () => upstream.destroy());
        upstream.on("close", () => client.destroy());
        // Data is forwarded only while not paused: a paused proxy holds each chunk until resume.
        client.on("data", (chunk) => (this.paused ? this.held.push(() => upstream.write(chunk)) : upstream.write(chunk)));
        upstream.on("data", (chunk) => (this.paused || this.answersHeld ? this.held.push(() => client.write(chunk)) : client.write(chunk)));
        client.resume();
      };
      if (this.paused) this.held.push(connect);
      else connect();
    });
    await new Promise<void>((r) => this.server.listen(port, "127.0.0.1", r));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  /** The port refuses connections and open ones are cut, as when the silo's process dies. */
  async down(): Promise<void> {
    await this.stop();
  }

  /** Listens again on the same port. */
  async up(): Promise<void> {
    await this.listen(this.port);
  }

  /** Client connections open through the proxy right now. */
  get openConnections(): number {
    return this.sockets.size;
  }

  pause(): void {
    this.paused = true;
  }

  /** Requests still reach the server, which acts on them, but its answers are held until resume. */
  holdAnswers(): void {
    this.answersHeld = true;
  }

  resume(): void {
    this.paused = false;
    this.answersHeld = false;
    for (const f of this.held.splice(0)) f();
  }

  async stop(): Promise<void> {
    this.held.splice(0);
    for (const s of this.sockets) s.destroy();
    if (this.server.listening) await new Promise<void>((r) => this.server.close(() => r()));
  }
}
