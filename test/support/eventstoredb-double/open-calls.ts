import type { ServiceError } from '@grpc/grpc-js';

type Fail = (error: ServiceError) => void;

/** Calls still in flight, so a crash (stop) or a server-side drop can end them with a proper status. */
export class OpenCalls {
  private readonly calls = new Map<Fail, { readonly subscription: boolean }>();

  /** Registers a call; the returned function forgets it once it has ended. */
  track(fail: Fail, kind: { readonly subscription: boolean }): () => void {
    this.calls.set(fail, kind);
    return () => this.calls.delete(fail);
  }

  failAll(error: () => ServiceError): void {
    this.failWhere(() => true, error);
  }

  failSubscriptions(error: () => ServiceError): void {
    this.failWhere((kind) => kind.subscription, error);
  }

  private failWhere(selected: (kind: { subscription: boolean }) => boolean, error: () => ServiceError): void {
    for (const [fail, kind] of [...this.calls]) {
      if (!selected(kind)) continue;
      this.calls.delete(fail);
      fail(error());
    }
  }
}
