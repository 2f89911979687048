-- CreateTable
CREATE TABLE "person_status" (
    "person_id" TEXT NOT NULL,
    "abnormal" BOOLEAN NOT NULL,
    "as_of" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "person_status_pkey" PRIMARY KEY ("person_id")
);
